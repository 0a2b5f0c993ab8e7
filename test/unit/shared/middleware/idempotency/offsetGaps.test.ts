import fc from 'fast-check';
import { partitionSpans, type PartitionSpan } from '../../../../../shared/middleware/batch/partitionSpans';
import { nextOffsetsOf, offsetGaps } from '../../../../../shared/middleware/idempotency/offsetGaps';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../../../../shared/triggers/kafka/KafkaTriggerEvent';

const record = (topic: string, partition: number, offset: number): KafkaTriggerRecord => ({
  topic,
  partition,
  offset,
  timestamp: 0,
  timestampType: 'CREATE_TIME',
  key: null,
  value: null,
  headers: [],
});
const eventOf = (records: Record<string, unknown>): KafkaTriggerEvent => ({ eventSource: 'aws:kafka', records: records as KafkaTriggerEvent['records'] });

describe('partitionSpans', () => {
  it('should give each topic partition its first and last offset, bad records included', () => {
    const spans = partitionSpans(eventOf({ 'scores-0': [record('scores', 0, 12), record('scores', 0, 10), record('scores', 0, 11)], 'scores-3': [record('scores', 3, 7)] }));
    expect(spans).toEqual([
      { topic: 'scores', partition: 0, first: 10n, last: 12n },
      { topic: 'scores', partition: 3, first: 7n, last: 7n },
    ]);
  });

  it('should leave out what is not a record list or has no whole offset, instead of failing', () => {
    const broken = { ...record('scores', 1, 5), offset: 'five' } as unknown as KafkaTriggerRecord;
    const negative = record('scores', -1, 4);
    expect(partitionSpans(eventOf({ 'scores-0': 'not a list', 'scores-1': [broken, negative, null], 'scores-2': [record('scores', 2, 2 ** 53)] }))).toEqual([]);
    expect(partitionSpans({ eventSource: 'aws:kafka' } as KafkaTriggerEvent)).toEqual([]);
  });
  /** partitionSpans as first written (a key and a bigint per record): the reference the cheaper one must agree with. */
  const referenceSpans = (event: KafkaTriggerEvent): PartitionSpan[] => {
    const spans = new Map<string, PartitionSpan>();
    for (const records of Object.values(event.records as Record<string, unknown>)) {
      if (!Array.isArray(records)) continue;
      for (const item of records as unknown[]) {
        const { topic, partition, offset } = (item ?? {}) as Partial<KafkaTriggerRecord>;
        if (typeof topic !== 'string' || !Number.isSafeInteger(partition) || (partition as number) < 0 || !Number.isSafeInteger(offset) || (offset as number) < 0) continue;
        const at = BigInt(offset as number);
        const id = `${topic}\u0000${partition as number}`;
        const span = spans.get(id);
        if (span === undefined) spans.set(id, { topic, partition: partition as number, first: at, last: at });
        else {
          if (at < span.first) span.first = at;
          if (at > span.last) span.last = at;
        }
      }
    }
    return [...spans.values()];
  };

  it('should give the same spans, in the same order, as a key and a bigint per record gave', () => {
    const offset = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(2 ** 53 - 1, 2 ** 53 - 2, 2 ** 53, -1, 1.5, Number.NaN), fc.constant('7'));
    const item = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record({ topic: fc.constantFrom('scores', 'orders', 'scores\u00000'), partition: fc.constantFrom(0, 1, 2, -1, 0.5), offset }).map((r) => ({ ...record('x', 0, 0), ...r })),
      },
      { weight: 1, arbitrary: fc.constantFrom(null, undefined, 'record', {}) },
    );
    const list = fc.oneof({ weight: 9, arbitrary: fc.array(item, { maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom('not a list', null) });
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('scores-0', 'scores-1', 'orders-0', 'other'), list), (records) => {
        const event = eventOf(records);
        expect(partitionSpans(event)).toEqual(referenceSpans(event));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('offsetGaps', () => {
  const span = (first: bigint, last: bigint, partition = 0) => ({ topic: 'scores', partition, first, last });

  it('should report the records between the expected offset and a later first offset', () => {
    expect(offsetGaps([span(15n, 20n)], new Map([['scores:0', 10n]]))).toEqual([{ topic: 'scores', partition: 0, expected: 10n, first: 15n, records: 5n }]);
  });

  it('should see no gap where the batch starts at or before the expected offset, or nothing is expected yet', () => {
    const expected = new Map([
      ['scores:0', 10n],
      ['scores:1', 30n],
    ]);
    expect(offsetGaps([span(10n, 12n, 0), span(4n, 40n, 1), span(99n, 100n, 2)], expected)).toEqual([]);
  });

  it('should expect each partition to go on one past its last offset', () => {
    expect(nextOffsetsOf([span(3n, 9n), span(0n, 0n, 5)])).toEqual([
      { partition: 'scores:0', next: 10n },
      { partition: 'scores:5', next: 1n },
    ]);
  });
});
