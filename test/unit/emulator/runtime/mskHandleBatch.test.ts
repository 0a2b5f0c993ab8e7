import type { ConsumedRecord, PartitionBatch } from '../../../../shared/kafka/KafkaPort';
import { ExpectedOffsets, handleBatch, type MappingOptions } from '../../../../emulator/runtime/mskEventSourceMapping';
import { receivedEvent, type EventJson } from '../../../../emulator/runtime/eventJson';
import type { KafkaTriggerEvent } from '../../../../shared/triggers/kafka/KafkaTriggerEvent';

const record = (offset: number, value: string): ConsumedRecord => ({ offset: BigInt(offset), timestamp: 0n, key: null, value: Buffer.from(value), headers: [['type', Buffer.from(value)]] });

function partitionBatch(records: ConsumedRecord[]): PartitionBatch & { commits: bigint[] } {
  const commits: bigint[] = [];
  return {
    topic: 'scores',
    partition: 3,
    records,
    commits,
    stillAssigned: () => true,
    commit: (next) => {
      commits.push(next);
      return Promise.resolve();
    },
    commitInBackground: (next) => void commits.push(next),
  };
}

function mapping(batchSize: number, invoke: MappingOptions['invoke']): MappingOptions {
  return {
    functionName: 'project-scores',
    event: { batchSize, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON', topic: 'scores' },
    groupId: 'g',
    brokers: ['127.0.0.1:9092'],
    eventSourceArn: 'arn:aws:kafka:local:0:cluster/t/t',
    invoke,
  };
}

const valuesOf = (event: EventJson): string[] =>
  Object.values((receivedEvent(event) as KafkaTriggerEvent).records)
    .flat()
    .map((r) => Buffer.from(r.value ?? '', 'base64').toString());

describe('handleBatch', () => {
  it('should let an invocation run with no decoded record held by the batch, and commit after each one', async () => {
    const batch = partitionBatch([record(10, 'a'), record(11, 'b'), record(12, 'c'), record(13, 'd'), record(14, 'e')]);
    const seen: Array<{ values: string[]; heldByBatch: number; commitsBefore: bigint[] }> = [];
    await handleBatch(
      batch,
      mapping(2, (event) => {
        seen.push({ values: valuesOf(event), heldByBatch: batch.records.length, commitsBefore: [...batch.commits] });
        return Promise.resolve(undefined);
      }),
      new ExpectedOffsets(),
      undefined,
    );
    expect(seen).toEqual([
      { values: ['a', 'b'], heldByBatch: 0, commitsBefore: [] },
      { values: ['c', 'd'], heldByBatch: 0, commitsBefore: [12n] },
      { values: ['e'], heldByBatch: 0, commitsBefore: [12n, 14n] },
    ]);
    expect(batch.commits).toEqual([12n, 14n, 15n]);
  });

  it('should retry a failed invocation with the same event, and commit only once it succeeded', async () => {
    const batch = partitionBatch([record(0, 'a'), record(1, 'b')]);
    const events: string[][] = [];
    let calls = 0;
    await handleBatch(
      batch,
      mapping(10, (event) => {
        events.push(valuesOf(event));
        return ++calls === 1 ? Promise.reject(new Error('throttled')) : Promise.resolve(undefined);
      }),
      new ExpectedOffsets(),
      undefined,
    );
    expect(events).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(batch.commits).toEqual([2n]);
  }, 10_000);

  it('should commit past the records a filter dropped after the last one invoked, or when it invoked nothing', async () => {
    const keepA = (value: Buffer | null) => value?.toString() === 'a';
    const tail = partitionBatch([record(5, 'a'), record(6, 'b'), record(7, 'b')]);
    const invoked: string[][] = [];
    await handleBatch(
      tail,
      mapping(10, (event) => Promise.resolve(void invoked.push(valuesOf(event)))),
      new ExpectedOffsets(),
      keepA,
    );
    expect(invoked).toEqual([['a']]);
    expect(tail.commits).toEqual([6n, 8n]);

    const none = partitionBatch([record(8, 'b'), record(9, 'b')]);
    await handleBatch(
      none,
      mapping(10, () => Promise.reject(new Error('must not be invoked'))),
      new ExpectedOffsets(),
      keepA,
    );
    expect(none.commits).toEqual([10n]);

    const allKept = partitionBatch([record(10, 'b'), record(11, 'a')]);
    await handleBatch(
      allKept,
      mapping(10, () => Promise.resolve(undefined)),
      new ExpectedOffsets(),
      keepA,
    );
    expect(allKept.commits).toEqual([12n]);
  });
});
