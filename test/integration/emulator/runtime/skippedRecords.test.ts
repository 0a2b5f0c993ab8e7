import { consumerLag } from '../../../../shared/kafka/consumerLag';
import { startMskEventSourceMapping, type MskMapping } from '../../../../emulator/runtime/mskEventSourceMapping';
import { checkSkippedRecords } from '../../../../operations/doctor/checkSkippedRecords';
import type { KafkaAdminPort, KafkaProducerPort } from '../../../../shared/kafka/KafkaPort';
import { localKafkaClient } from '../../../../shared/kafka/kafkaClient';
import type { KafkaTriggerEvent } from '../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { receivedEvent } from '../../../../emulator/runtime/eventJson';

/**
 * Issue 13 point 5 on real Kafka: records deleted before a group read them (as retention would) are
 * never skipped silently. The doctor sees the committed offset below the log start, and the mapping
 * counts the gap it jumps over.
 */
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
const run = `${process.pid}-${Date.now()}`;
const topic = `tptest-skipped-${run}`;
const groupId = `tptest-skipped-group-${run}`;
const kafka = localKafkaClient(brokers, 'tptest-skipped');
let admin: KafkaAdminPort;
let producer: KafkaProducerPort;

const waitUntil = async (what: string, done: () => boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const produce = (from: number, count: number) => producer.send([{ topic, records: Array.from({ length: count }, (_, i) => ({ key: 'k', value: JSON.stringify({ n: from + i }), headers: {} })) }]);

function mapping(seen: number[], gaps: Array<{ expected: bigint; fetched: bigint }>): Promise<MskMapping> {
  return startMskEventSourceMapping({
    functionName: 'tptest-skipped',
    event: { topic, batchSize: 100, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON' },
    groupId,
    brokers,
    eventSourceArn: 'arn:aws:kafka:local:000000000000:cluster/t/1',
    invoke: (event) => {
      for (const records of Object.values((receivedEvent(event) as KafkaTriggerEvent).records)) for (const record of records) seen.push(record.offset);
      return Promise.resolve(undefined);
    },
    onSkipped: ({ expected, fetched }) => gaps.push({ expected, fetched }),
  });
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
  producer = await kafka.producer();
});

afterAll(async () => {
  await producer.close();
  await admin.deleteTopics([topic]).catch(() => undefined);
  await admin.close();
});

describe('records Kafka deleted before a consumer read them', () => {
  it('should be reported by the doctor and counted by the mapping, never skipped silently', async () => {
    // prepare: the group reads offsets 0-9 and commits 10
    const seen: number[] = [];
    const gaps: Array<{ expected: bigint; fetched: bigint }> = [];
    await produce(0, 10);
    let running = await mapping(seen, gaps);
    await waitUntil('the first ten records', () => seen.length >= 10);
    await running.disconnect();

    // act: ten more arrive while the group is away, and the first five of them are deleted
    await produce(10, 10);
    await admin.deleteRecords(topic, [{ partition: 0, before: 15n }]);

    // assess: the doctor sees the committed offset below the log start
    const lag = await consumerLag(admin, groupId, topic);
    expect(lag.deletedUnread).toBe(5);
    const check = checkSkippedRecords([{ fn: 'tptest-skipped', group: groupId, topic, lag: lag.total, deletedUnread: lag.deletedUnread }]);
    expect(check).toMatchObject({ status: 'fail', detail: expect.stringContaining('5 deleted unread') });

    // act: the mapping comes back
    running = await mapping(seen, gaps);
    await waitUntil('the records after the gap', () => seen.length >= 15);
    await running.disconnect();

    // assess: it went on from the log start and counted the five records it never saw
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 19]);
    expect(gaps).toEqual([{ expected: 10n, fetched: 15n }]);
    expect((await consumerLag(admin, groupId, topic)).deletedUnread).toBe(0);
  });
});
