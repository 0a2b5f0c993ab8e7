import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafkaCluster, stopKafkaCluster, type KafkaCluster } from '../../../../tools/kafka/kafkaCluster';
import { startMskEventSourceMapping, type MappingOptions, type MskMapping } from '../../../../emulator/runtime/mskEventSourceMapping';
import { localKafkaClient } from '../../../../shared/kafka/kafkaClient';
import type { KafkaTriggerEvent } from '../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { receivedEvent } from '../../../../emulator/runtime/eventJson';

/**
 * The local MSK event source mapping on the KafkaPort, against real Kafka: Lambda's retry and commit
 * rules on the shared test Kafka, and a consumer that fails when its broker is SIGKILLed, replaced by
 * the mapping, on a private single-node Kafka of this test's own.
 */
jest.setTimeout(120_000);

const run = `${process.pid}-${Date.now()}`;
const ARN = 'arn:aws:kafka:local:000000000000:cluster/t/1';

const offsetsOf = (event: unknown): number[] => Object.values((receivedEvent(event) as KafkaTriggerEvent).records).flatMap((records) => records.map((r) => r.offset));

async function waitUntil(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function produce(brokers: string[], topic: string, from: number, count: number): Promise<void> {
  const producer = await localKafkaClient(brokers, 'tptest-mapping-producer').producer();
  try {
    await producer.send([{ topic, records: Array.from({ length: count }, (_, i) => ({ key: 'one-partition', value: JSON.stringify({ n: from + i }), headers: {} })) }]);
  } finally {
    await producer.close();
  }
}

/** An invoke that records every offset it is handed, in order, into `seen`. */
const recordingInto =
  (seen: number[]): MappingOptions['invoke'] =>
  (event) => {
    seen.push(...offsetsOf(event));
    return Promise.resolve(undefined);
  };

const mappingOn = (brokers: string[], topic: string, invoke: MappingOptions['invoke'], extra: Partial<MappingOptions> = {}): Promise<MskMapping> =>
  startMskEventSourceMapping({
    functionName: 'tptest-mapping',
    event: { topic, batchSize: 100, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON' },
    groupId: `tptest-mapping-${topic}`,
    brokers,
    eventSourceArn: ARN,
    invoke,
    ...extra,
  });

describe('the MSK event source mapping on the shared test Kafka', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const admin = localKafkaClient(brokers, 'tptest-mapping-admin').admin();
  const topics: string[] = [];
  afterAll(async () => {
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.close();
  });

  it('retries a failed batch whole, commits only after it succeeded, and keeps the partition in order', async () => {
    const topic = `tptest-mapping-retry-${run}`;
    topics.push(topic);
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await produce(brokers, topic, 0, 30);
    const tries: number[][] = [];
    const committedDuringFailures: Array<bigint | undefined> = [];
    let failuresLeft = 2;
    const mapping = await mappingOn(
      brokers,
      topic,
      async (event) => {
        tries.push(offsetsOf(event));
        if (failuresLeft > 0) {
          failuresLeft--;
          committedDuringFailures.push((await admin.groupOffsets(`tptest-mapping-${topic}`, topic)).get(0));
          throw new Error('the function failed');
        }
        return undefined;
      },
      { event: { topic, batchSize: 10, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON' } },
    );
    try {
      await waitUntil('every record delivered', async () => (await admin.groupOffsets(`tptest-mapping-${topic}`, topic)).get(0) === 30n);
    } finally {
      await mapping.disconnect();
    }
    // The first chunk of 10 failed twice and came again whole, then the rest followed in order.
    expect(tries.slice(0, 3)).toEqual([0, 1, 2].map(() => Array.from({ length: 10 }, (_, i) => i)));
    expect(tries.slice(3).flat()).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
    expect(tries.every((chunk) => chunk.length <= 10)).toBe(true);
    // Nothing committed while the batch failed.
    expect(committedDuringFailures).toEqual([undefined, undefined]);
  });

  it('should commit every batch it invoked when disconnected right after the last invocation returned', async () => {
    const topic = `tptest-mapping-drain-${run}`;
    topics.push(topic);
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await produce(brokers, topic, 0, 30);
    const seen: number[] = [];
    const mapping = await mappingOn(brokers, topic, recordingInto(seen), { event: { topic, batchSize: 10, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON' } });
    try {
      await waitUntil('every record invoked', () => seen.length >= 30);
    } finally {
      // The commits are sent in the background: disconnecting waits for them.
      await mapping.disconnect();
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect((await admin.groupOffsets(`tptest-mapping-${topic}`, topic)).get(0)).toBe(30n);
  });
});

describe('the MSK event source mapping joining its group in the background (the runtime, whose HTTP API does not wait for it)', () => {
  // Port 1 refuses connections: a first consumer that cannot start reports a crash once its connection was refused.
  const unreachable = ['127.0.0.1:1'];
  const crashingMapping = (joinInBackground: boolean) => {
    const crashes: string[] = [];
    const mapping = mappingOn(unreachable, `tptest-unreachable-${run}`, () => Promise.resolve(undefined), { joinInBackground, onCrash: ({ error }) => crashes.push(error.message) });
    return { crashes, mapping };
  };

  it('should return before its first consumer has got anywhere, which then fails and is replaced as usual', async () => {
    const { crashes, mapping } = crashingMapping(true);
    const started = await mapping;
    try {
      expect(crashes).toEqual([]);
      await waitUntil('the first consumer to fail', () => crashes.length > 0);
    } finally {
      await started.disconnect();
    }
  });

  it('should consume every record once its consumer has joined', async () => {
    const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
    const topic = `tptest-mapping-background-${run}`;
    const admin = localKafkaClient(brokers, 'tptest-mapping-background-admin').admin();
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const seen: number[] = [];
    try {
      await produce(brokers, topic, 0, 10);
      const mapping = await mappingOn(brokers, topic, recordingInto(seen), { joinInBackground: true });
      try {
        await waitUntil('the ten records', () => seen.length >= 10);
      } finally {
        await mapping.disconnect();
      }
    } finally {
      await admin.deleteTopics([topic]).catch(() => undefined);
      await admin.close();
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});

describe('the MSK event source mapping with an event filter, on the shared test Kafka', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const admin = localKafkaClient(brokers, 'tptest-mapping-filter-admin').admin();
  const topics: string[] = [];
  afterAll(async () => {
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.close();
  });
  const filterPatterns = [{ value: { type: ['keep'] } }];

  async function topicWith(name: string, values: Array<string | null>): Promise<string> {
    const topic = `tptest-mapping-filter-${name}-${run}`;
    topics.push(topic);
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await localKafkaClient(brokers, 'tptest-mapping-filter-producer').producer();
    try {
      await producer.send([{ topic, records: values.map((value) => ({ key: 'one-partition', value, headers: {} })) }]);
    } finally {
      await producer.close();
    }
    return topic;
  }

  /** Runs a mapping with `filterPatterns` on `topic` until all `count` offsets are committed; the offsets of each invocation. */
  async function invokedUntilCommitted(topic: string, count: number, batchSize: number): Promise<number[][]> {
    const invoked: number[][] = [];
    const mapping = await mappingOn(
      brokers,
      topic,
      (event) => {
        invoked.push(offsetsOf(event));
        return Promise.resolve(undefined);
      },
      { event: { topic, batchSize, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON', filterPatterns } },
    );
    try {
      await waitUntil('every offset committed', async () => (await admin.groupOffsets(`tptest-mapping-${topic}`, topic)).get(0) === BigInt(count));
    } finally {
      await mapping.disconnect();
    }
    return invoked;
  }

  it('should invoke only the matching records and commit the offsets of the dropped ones, those after the last match included', async () => {
    // Offsets 0..29: every third record matches; the others are another type, not JSON, or a tombstone; the last two are dropped.
    const values = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 && i < 28 ? JSON.stringify({ type: 'keep', n: i }) : ([JSON.stringify({ type: 'drop', n: i }), 'keep', null][i % 3] ?? null)));
    const topic = await topicWith('some', values);
    const invoked = await invokedUntilCommitted(topic, values.length, 4);
    expect(invoked.flat()).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    // batchSize counts the records invoked, not the records fetched.
    expect(invoked.every((chunk) => chunk.length <= 4)).toBe(true);
    expect(invoked.length).toBeLessThan(values.length / 4);
  });

  it('should invoke nothing for records that all miss the filter, and still move the offset past them', async () => {
    const topic = await topicWith(
      'none',
      Array.from({ length: 12 }, (_, i) => JSON.stringify({ type: 'drop', n: i })),
    );
    expect(await invokedUntilCommitted(topic, 12, 100)).toEqual([]);
  });

  it('should refuse to start with a pattern the local mapping does not implement, before reading a record', async () => {
    let invocations = 0;
    await expect(
      mappingOn(
        brokers,
        'tptest-mapping-filter-never-read',
        () => {
          invocations++;
          return Promise.resolve(undefined);
        },
        {
          event: {
            topic: 'tptest-mapping-filter-never-read',
            batchSize: 100,
            maximumBatchingWindow: 0,
            startingPosition: 'TRIM_HORIZON',
            filterPatterns: [{ value: { type: [{ prefix: 'order.' }] } }],
          },
        },
      ),
    ).rejects.toThrow(/filter pattern #1 value.type: .* is not an exact string value/);
    expect(invocations).toBe(0);
  });
});

describe('the MSK event source mapping when its broker dies', () => {
  let dir: string;
  let cluster: KafkaCluster;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mapping-restart-test-'));
    cluster = await startKafkaCluster({ dir, brokers: 1, heapMb: 512 });
  });
  afterAll(async () => {
    await stopKafkaCluster(dir, { graceMs: 0 });
    rmSync(dir, { recursive: true, force: true });
  });

  /** A one-partition topic on the private single-node cluster. */
  const createTopic = async (topic: string): Promise<void> => {
    const admin = localKafkaClient(cluster.brokers, `tptest-${topic}-admin`).admin();
    try {
      await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    } finally {
      await admin.close();
    }
  };
  /** A mapping on `topic` that records every offset it is handed and every crash it reports. */
  const recordingMapping = async (topic: string) => {
    const seen: number[] = [];
    const crashes: string[] = [];
    const mapping = await mappingOn(cluster.brokers, topic, recordingInto(seen), { onCrash: ({ error }) => crashes.push(error.message) });
    return { seen, crashes, mapping };
  };

  it('replaces its failed consumer and goes on from the committed offset once the broker is back, losing nothing', async () => {
    const topic = 'restart';
    await createTopic(topic);
    await produce(cluster.brokers, topic, 0, 20);
    const { seen, crashes, mapping } = await recordingMapping(topic);
    try {
      await waitUntil('the first twenty records', () => seen.length >= 20);
      const node = cluster.nodes[0];
      if (node === undefined) throw new Error('no node');
      await cluster.kill(node.nodeId);
      await waitUntil('the mapping to see its consumer fail', () => crashes.length > 0);
      await cluster.restart(node.nodeId);
      await produce(cluster.brokers, topic, 20, 20);
      await waitUntil('the twenty records written after the restart', () => new Set(seen).size >= 40);
    } finally {
      await mapping.disconnect();
    }
    // Every offset delivered, in order per partition; a batch delivered again after the restart is allowed (at least once).
    expect([...new Set(seen)].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const firstSeen = seen.filter((offset, i) => seen.indexOf(offset) === i);
    expect(firstSeen).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const check = localKafkaClient(cluster.brokers, 'tptest-restart-check').admin();
    try {
      expect((await check.groupOffsets(`tptest-mapping-${topic}`, topic)).get(0)).toBe(40n);
    } finally {
      await check.close();
    }
  });

  it('starts while its broker is down, and consumes once the broker is back', async () => {
    const topic = 'down-at-start';
    await createTopic(topic);
    await produce(cluster.brokers, topic, 0, 10);
    const node = cluster.nodes[0];
    if (node === undefined) throw new Error('no node');
    await cluster.kill(node.nodeId);
    // As the runtime restarted in the middle of a broker restart: it must come up, not exit.
    const { seen, crashes, mapping } = await recordingMapping(topic);
    try {
      await waitUntil('the mapping to report its consumer could not start', () => crashes.length > 0);
      expect(seen).toEqual([]);
      await cluster.restart(node.nodeId);
      await waitUntil('the ten records', () => new Set(seen).size >= 10);
    } finally {
      await mapping.disconnect();
    }
    expect([...new Set(seen)]).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
