import type { TopicRecords } from '../../../../shared/kafka/KafkaPort';
import { gatheredProduce, piecesWithin, type GatherableRecord } from '../../../../shared/publishing/gatheredProduce';

/**
 * The gathering of concurrent publishes into shared produce requests, with a recording `send` in place
 * of the producer and a hand-driven turn end in place of setImmediate.
 */
const record = (topic: string, value: string, bytes = value.length): GatherableRecord => ({ topic, record: { key: value, value, headers: {} }, bytes });

const valuesOf = (batches: readonly TopicRecords[]) => batches.map((b) => ({ topic: b.topic, values: b.records.map((r) => r.value) }));

interface Sent {
  batches: TopicRecords[];
  succeed: () => void;
  fail: (error: Error) => void;
}

function harness(limits = { maxBytes: 1_000, maxMessages: 10 }) {
  const sent: Sent[] = [];
  const turnEnds: Array<() => void> = [];
  const publish = gatheredProduce(
    (batches) =>
      new Promise<void>((resolve, reject) => {
        sent.push({ batches, succeed: resolve, fail: reject });
      }),
    limits,
    (run) => turnEnds.push(run),
  );
  const endTurn = () => turnEnds.splice(0).forEach((run) => run());
  return { publish, sent, endTurn };
}

/** How a promise settled, read without awaiting it forever. */
const settled = async (promise: Promise<void>): Promise<string> => {
  const outcome = await Promise.race([
    promise.then(
      () => 'resolved',
      (error: unknown) => `rejected: ${error instanceof Error ? error.message : String(error)}`,
    ),
    new Promise<string>((resolve) => setImmediate(() => resolve('pending'))),
  ]);
  return outcome;
};

describe('gatheredProduce', () => {
  it('should send the calls of one turn as one request, grouped by topic in arrival order', async () => {
    // prepare
    const { publish, sent, endTurn } = harness();

    // act
    const first = publish([record('orders', 'a'), record('scores', 'b')]);
    const second = publish([record('orders', 'c')]);
    endTurn();

    // assess
    expect(sent).toHaveLength(1);
    expect(valuesOf(sent[0]?.batches ?? [])).toEqual([
      { topic: 'orders', values: ['a', 'c'] },
      { topic: 'scores', values: ['b'] },
    ]);
    expect(await settled(first)).toBe('pending');
    sent[0]?.succeed();
    expect(await settled(first)).toBe('resolved');
    expect(await settled(second)).toBe('resolved');
  });

  it('should send nothing before the turn ends while under the limits', () => {
    const { publish, sent } = harness();
    void publish([record('orders', 'a')]);
    expect(sent).toHaveLength(0);
  });

  it('should send the gathered request first when the next call would pass the message limit', () => {
    // prepare
    const { publish, sent, endTurn } = harness({ maxBytes: 1_000, maxMessages: 3 });

    // act
    void publish([record('orders', 'a'), record('orders', 'b')]);
    void publish([record('orders', 'c'), record('orders', 'd')]);

    // assess: the first call went out at once, the second waits for the turn to end
    expect(sent.map((s) => valuesOf(s.batches))).toEqual([[{ topic: 'orders', values: ['a', 'b'] }]]);
    endTurn();
    expect(sent.map((s) => valuesOf(s.batches))).toEqual([[{ topic: 'orders', values: ['a', 'b'] }], [{ topic: 'orders', values: ['c', 'd'] }]]);
  });

  // The gatherer itself never splits a call: publishToKafka hands it pieces within the limits
  // (piecesWithin, below), since Kafka refuses a request that puts more than about 1 MB on one
  // partition (probed on the local cluster, 2026-12-02: 3 x 250 KB on one key went through, 12 x 250 KB
  // failed), which one ingest call within its own limits (500 events of up to 256 KB) could otherwise do.
  it('should split between calls on the byte limit, and send a call larger than the limit whole in a request of its own', () => {
    // prepare
    const { publish, sent, endTurn } = harness({ maxBytes: 100, maxMessages: 100 });

    // act
    void publish([record('orders', 'small', 60)]);
    void publish([record('orders', 'huge', 500)]);
    void publish([record('orders', 'after', 10)]);
    endTurn();

    // assess
    expect(sent.map((s) => valuesOf(s.batches))).toEqual([[{ topic: 'orders', values: ['small'] }], [{ topic: 'orders', values: ['huge'] }], [{ topic: 'orders', values: ['after'] }]]);
  });

  it('should fail exactly the calls of a failed request, and resolve those of a request that succeeded', async () => {
    // prepare
    const { publish, sent, endTurn } = harness({ maxBytes: 1_000, maxMessages: 2 });
    const early = publish([record('orders', 'a'), record('orders', 'b')]);
    const late = publish([record('orders', 'c')]);
    endTurn();

    // act
    sent[0]?.fail(new Error('NOT_ENOUGH_REPLICAS'));
    sent[1]?.succeed();

    // assess
    expect(await settled(early)).toBe('rejected: NOT_ENOUGH_REPLICAS');
    expect(await settled(late)).toBe('resolved');
  });

  it('should fail every call that shared the failed request', async () => {
    const { publish, sent, endTurn } = harness();
    const calls = [publish([record('orders', 'a')]), publish([record('scores', 'b')])];
    endTurn();
    sent[0]?.fail(new Error('broker gone'));
    expect(await Promise.all(calls.map(settled))).toEqual(['rejected: broker gone', 'rejected: broker gone']);
  });

  it('should start a new request for calls made after a request was sent', () => {
    const { publish, sent, endTurn } = harness();
    void publish([record('orders', 'a')]);
    endTurn();
    void publish([record('orders', 'b')]);
    endTurn();
    expect(sent.map((s) => valuesOf(s.batches))).toEqual([[{ topic: 'orders', values: ['a'] }], [{ topic: 'orders', values: ['b'] }]]);
  });

  it('should cut a call past the limits into pieces within them, in order, a record larger than the limit alone', () => {
    const call = [record('orders', 'a', 60), record('orders', 'b', 30), record('orders', 'c', 20), record('orders', 'huge', 500), record('orders', 'd', 1)];
    const pieces = piecesWithin(call, { maxBytes: 100, maxMessages: 100 });
    expect(pieces.map((piece) => piece.map((r) => r.record.value))).toEqual([['a', 'b'], ['c'], ['huge'], ['d']]);
    expect(piecesWithin(call, { maxBytes: 10_000, maxMessages: 2 }).map((piece) => piece.length)).toEqual([2, 2, 1]);
    expect(piecesWithin([], { maxBytes: 1, maxMessages: 1 })).toEqual([]);
  });
});
