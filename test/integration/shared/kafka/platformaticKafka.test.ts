import { Producer as RawProducer } from '@platformatic/kafka';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import type { ConsumedRecord, KafkaPort, PartitionBatch } from '../../../../shared/kafka/KafkaPort';
import { platformaticKafka } from '../../../../shared/kafka/platformaticKafka';

/**
 * The KafkaPort on @platformatic/kafka against the real Kafka of KAFKA_BROKERS (Apache Kafka 4.x;
 * librdkafka's mock can neither create topics nor run the idempotent producer).
 */
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const port: KafkaPort = platformaticKafka({ brokers, clientId: 'triplane-port-test', tls: false });
const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const topicOf = (what: string) => `port-${what}-${run}`;

const records = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => ({ key: `${prefix}-user-${i % 37}`, value: JSON.stringify({ id: `${prefix}-${i}`, i }), headers: { id: `${prefix}-${i}`, type: 'page.viewed' } }));

/** Where kafkajs' DefaultPartitioner (Java's murmur2) puts `key` among 12 partitions. */
const javaPartitionOf = (() => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: 12 }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] }));
  return (topic: string, key: string) => partitioner({ topic, partitionMetadata, message: { key, value: null } });
})();

/** Runs a consumer until `enough` says so, handing each batch to `onBatch` (which commits or not). */
async function consumeUntil(
  groupId: string,
  topic: string,
  onBatch: (batch: PartitionBatch, seen: ConsumedRecord[]) => Promise<void>,
  enough: (seen: ConsumedRecord[]) => boolean,
): Promise<ConsumedRecord[]> {
  const consumer = await port.consumer({ groupId, topic, startAt: 'earliest', maxWaitMs: 100, minBytes: 1, maxBytesPerPartition: 1024 * 1024, sessionTimeoutMs: 10_000 });
  const seen: ConsumedRecord[] = [];
  const finished = new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`consumer of ${topic} saw ${seen.length} records before the deadline`)), 25_000);
    consumer.run(async (batch) => {
      seen.push(...batch.records);
      await onBatch(batch, seen);
      if (enough(seen)) {
        clearTimeout(deadline);
        resolve();
      }
    });
    consumer.done.catch(reject);
  });
  try {
    await finished;
  } finally {
    await consumer.stop();
  }
  return seen;
}

const commitAll = async (batch: PartitionBatch) => {
  const last = batch.records[batch.records.length - 1];
  if (last !== undefined && batch.stillAssigned()) await batch.commit(last.offset + 1n);
};

describe('KafkaPort on @platformatic/kafka', () => {
  const admin = port.admin();
  afterAll(async () => {
    // Scratch topics of one or two partitions would fail the doctor's partition check of the shared test Kafka.
    try {
      await admin.deleteTopics((await admin.listTopics()).filter((topic) => topic.startsWith('port-') && topic.endsWith(`-${run}`)));
    } finally {
      await admin.close();
    }
  });

  it('acknowledges every partition of a send to two topics and puts each key where Java clients would', async () => {
    const [a, b] = [topicOf('send-a'), topicOf('send-b')];
    await admin.createTopics([a, b].map((name) => ({ name, partitions: 12, replicationFactor: 1 })));
    const producer = await port.producer();
    try {
      const sent = [
        { topic: a, records: records(120, 'a') },
        { topic: b, records: records(30, 'b') },
      ];
      const acknowledgements = await producer.send(sent);
      for (const { topic, records: list } of sent) {
        const expected = new Set(list.map((r) => javaPartitionOf(topic, r.key)));
        expect(new Set(acknowledgements.filter((x) => x.topic === topic).map((x) => x.partition))).toEqual(expected);
      }
      const offsets = await admin.topicOffsets(a);
      expect(offsets.reduce((n, p) => n + Number(p.high - p.low), 0)).toBe(120);
      // Each record is read from the partition Java's murmur2 gives its key.
      const misplaced: string[] = [];
      const seen = await consumeUntil(
        `g-${a}`,
        a,
        async (batch) => {
          for (const record of batch.records) if (javaPartitionOf(a, record.key?.toString() ?? '') !== batch.partition) misplaced.push(record.key?.toString() ?? '');
          await commitAll(batch);
        },
        (s) => s.length >= 120,
      );
      expect(misplaced).toEqual([]);
      expect(new Set(seen.map((r) => (JSON.parse(r.value?.toString() ?? '{}') as { id?: unknown }).id)).size).toBe(120);
      expect(seen.find((r) => r.headers.some(([name, value]) => name === 'type' && value.toString() === 'page.viewed'))).toBeDefined();
    } finally {
      await producer.close();
    }
  });

  it('should store every header of every record as sent, in order, when values repeat across and within records', async () => {
    const topic = topicOf('headers');
    await admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
    // Type, version and hops take few values and share their bytes between records; a correlation id
    // equal to the id shares the id's bytes; values given as bytes go as they are.
    const sent = Array.from({ length: 60 }, (_, i) => ({
      key: i % 10 === 0 ? null : `h-user-${i % 7}`,
      value: i % 2 === 0 ? JSON.stringify({ id: `h-${i}` }) : Buffer.from(JSON.stringify({ id: `h-${i}` })),
      headers: {
        id: `h-${i}`,
        type: i % 3 === 0 ? 'page.viewed' : 'session.touched',
        version: String(1 + (i % 2)),
        hops: String(i % 4),
        'correlation-id': i % 5 === 0 ? `c-${i}` : `h-${i}`,
        ...(i % 6 === 0 ? { raw: Buffer.from([0, 255, i]) } : {}),
      },
    }));
    const producer = await port.producer();
    try {
      await producer.send([{ topic, records: sent }]);
    } finally {
      await producer.close();
    }
    const seen = await consumeUntil(`g-${topic}`, topic, commitAll, (s) => s.length >= sent.length);
    const asText = (headers: ReadonlyArray<readonly [string, Buffer]>) => headers.map(([name, value]) => [name, name === 'raw' ? value.toString('hex') : value.toString()]);
    const byId = new Map(seen.map((record) => [(JSON.parse(record.value?.toString() ?? '{}') as { id?: string }).id, record]));
    for (const record of sent) {
      const stored = byId.get(record.headers.id);
      if (stored === undefined) throw new Error(`${record.headers.id} was not stored`);
      expect(stored.key?.toString() ?? null).toBe(record.key);
      expect(asText(stored.headers)).toEqual(Object.entries(record.headers).map(([name, value]) => [name, typeof value === 'string' ? value : value.toString('hex')]));
    }
  });

  it('should read a header whose value is null (as Java clients may write) as no bytes, and go on with the records after it', async () => {
    const topic = topicOf('nullheader');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    // Our own producer cannot send a null header value; Kafka's record format and other clients can.
    const raw = new RawProducer({ clientId: `raw-${run}`, bootstrapBrokers: brokers, autocreateTopics: false });
    const headersOf = (i: number) =>
      new Map<Buffer, Buffer>([
        [Buffer.from('id'), Buffer.from(`n-${i}`)],
        [Buffer.from('trace'), (i % 2 === 0 ? null : Buffer.from('t')) as unknown as Buffer],
      ]);
    try {
      await raw.send({ messages: Array.from({ length: 6 }, (_, i) => ({ topic, key: Buffer.from(`k-${i}`), value: Buffer.from(`v-${i}`), headers: headersOf(i) })) });
    } finally {
      await raw.close();
    }
    const seen = await consumeUntil(`g-${topic}`, topic, commitAll, (s) => s.length >= 6);
    expect(seen.map((record) => record.headers.map(([name, value]) => [name, value.toString()]))).toEqual(
      Array.from({ length: 6 }, (_, i) => [
        ['id', `n-${i}`],
        ['trace', i % 2 === 0 ? '' : 't'],
      ]),
    );
  });

  it('commits only what the handler commits, and a second consumer of the group resumes there', async () => {
    const topic = topicOf('commit');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await port.producer();
    await producer.send([{ topic, records: records(20, 'c') }]);
    await producer.close();
    const groupId = `g-${topic}`;
    // The handler commits through the 10th record only, then nothing.
    await consumeUntil(
      groupId,
      topic,
      async (batch, seen) => {
        const tenth = seen[9];
        if (tenth !== undefined && batch.stillAssigned()) await batch.commit(tenth.offset + 1n);
      },
      (s) => s.length >= 20,
    );
    expect((await admin.groupOffsets(groupId, topic)).get(0)).toBe(10n);
    const resumed = await consumeUntil(groupId, topic, commitAll, (s) => s.length >= 10);
    expect(resumed[0]?.offset).toBe(10n);
    expect((await admin.groupOffsets(groupId, topic)).get(0)).toBe(20n);
  });

  it('stops with the error of a handler that throws, committing nothing of its batch', async () => {
    const topic = topicOf('throw');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await port.producer();
    await producer.send([{ topic, records: records(5, 't') }]);
    await producer.close();
    const consumer = await port.consumer({ groupId: `g-${topic}`, topic, startAt: 'earliest', maxWaitMs: 100, minBytes: 1, maxBytesPerPartition: 1024 * 1024, sessionTimeoutMs: 10_000 });
    consumer.run(() => Promise.reject(new Error('handler refused the batch')));
    await expect(consumer.done).rejects.toThrow('handler refused the batch');
    expect((await admin.groupOffsets(`g-${topic}`, topic)).size).toBe(0);
  });

  it('resets group offsets, deletes records and describes the cluster through the admin port', async () => {
    const topic = topicOf('admin');
    await admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '3600000' } }]);
    expect(await admin.listTopics()).toContain(topic);
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThan(0);
    expect(cluster.clusterId.length).toBeGreaterThan(0);
    expect((await admin.partitions(topic)).map((p) => p.partition)).toEqual([0, 1]);
    const producer = await port.producer();
    // All keys of one user: one partition, offsets 0-9.
    await producer.send([{ topic, records: Array.from({ length: 10 }, (_, i) => ({ key: 'only-user', value: `v${i}`, headers: {} })) }]);
    await producer.close();
    const partition = javaPartitionOf(topic, 'only-user') % 2;
    const groupId = `g-${topic}`;
    await admin.resetGroupOffsets(groupId, topic, [{ partition, offset: 7n }]);
    expect((await admin.groupOffsets(groupId, topic)).get(partition)).toBe(7n);
    const afterReset = await consumeUntil(groupId, topic, commitAll, (s) => s.length >= 3);
    expect(afterReset.map((r) => r.value?.toString())).toEqual(['v7', 'v8', 'v9']);
    await admin.deleteRecords(topic, [{ partition, before: 4n }]);
    expect((await admin.topicOffsets(topic)).find((p) => p.partition === partition)).toEqual({ partition, low: 4n, high: 10n });
    const fresh = await consumeUntil(`g2-${topic}`, topic, commitAll, (s) => s.length >= 6);
    expect(fresh[0]?.offset).toBe(4n);
  });

  it('describes topics, reads and alters topic configs, and deletes topics', async () => {
    const [a, b] = [topicOf('describe-a'), topicOf('describe-b')];
    await admin.createTopics([
      { name: a, partitions: 3, replicationFactor: 1 },
      { name: b, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '3600000' } },
    ]);
    const described = await admin.describeTopics([a, b]);
    expect(described.map((t) => [t.name, t.partitions.map((p) => p.partition)])).toEqual([
      [a, [0, 1, 2]],
      [b, [0]],
    ]);
    for (const partition of described.flatMap((t) => t.partitions)) {
      expect(partition.leader).toBeGreaterThanOrEqual(0);
      expect(partition.replicas).toEqual([partition.leader]);
      expect(partition.isr).toEqual([partition.leader]);
    }
    // Every topic of the cluster when none is named, Kafka's own excluded.
    const all = (await admin.describeTopics()).map((t) => t.name);
    expect(all).toEqual(expect.arrayContaining([a, b]));
    expect(all.filter((name) => name.startsWith('__'))).toEqual([]);
    expect(await admin.topicConfigs(b, ['retention.ms', 'max.message.bytes'])).toEqual({ 'retention.ms': '3600000', 'max.message.bytes': expect.stringMatching(/^\d+$/) });
    // Set one override, remove another, and the rest stays.
    await admin.alterTopicConfigs(b, { 'max.message.bytes': '2048', 'retention.ms': null });
    const altered = await admin.topicConfigs(b, ['retention.ms', 'max.message.bytes']);
    expect(altered['max.message.bytes']).toBe('2048');
    expect(altered['retention.ms']).not.toBe('3600000');
    await admin.deleteTopics([a]);
    expect(await admin.listTopics()).not.toContain(a);
    await admin.deleteTopics([]);
  });

  it("stops only after the batch in flight returned, and that batch's commit is kept", async () => {
    const topic = topicOf('stop');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await port.producer();
    await producer.send([{ topic, records: records(5, 's') }]);
    await producer.close();
    const consumer = await port.consumer({ groupId: `g-${topic}`, topic, startAt: 'earliest', maxWaitMs: 100, minBytes: 1, maxBytesPerPartition: 1024 * 1024, sessionTimeoutMs: 10_000 });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const inFlight = new Promise<PartitionBatch>((resolve) =>
      consumer.run(async (batch) => {
        resolve(batch);
        await released;
        const last = batch.records[batch.records.length - 1];
        if (last !== undefined) await batch.commit(last.offset + 1n);
      }),
    );
    const batch = await inFlight;
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    // Asked to stop, the batch in flight sees it is no longer to go on, and stop waits for it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(batch.stillAssigned()).toBe(false);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await expect(consumer.done).resolves.toBeUndefined();
    expect((await admin.groupOffsets(`g-${topic}`, topic)).get(0)).toBe(5n);
  });

  it('should keep a partition in order with background commits, and keep every one of them when stopped right after the last batch', async () => {
    const topic = topicOf('background');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await port.producer();
    await producer.send([{ topic, records: records(3, 'b') }]);
    const consumer = await port.consumer({ groupId: `g-${topic}`, topic, startAt: 'earliest', maxWaitMs: 100, minBytes: 1, maxBytesPerPartition: 1024 * 1024, sessionTimeoutMs: 10_000 });
    const seen: bigint[] = [];
    // What the group had committed when each batch was handed over.
    const committedAtHandover: Array<bigint | undefined> = [];
    let sentMore = false;
    const allSeen = new Promise<void>((resolve) =>
      consumer.run(async (batch) => {
        committedAtHandover.push((await admin.groupOffsets(`g-${topic}`, topic)).get(0));
        seen.push(...batch.records.map((r) => r.offset));
        const last = batch.records[batch.records.length - 1];
        if (last !== undefined) batch.commitInBackground(last.offset + 1n);
        if (!sentMore) {
          sentMore = true;
          await producer.send([{ topic, records: records(2, 'b2') }]);
        }
        if (seen.length >= 5) resolve();
      }),
    );
    await allSeen;
    // Stopped right after the last batch returned: its commit, still in flight or not, is kept.
    await consumer.stop();
    await producer.close();
    await expect(consumer.done).resolves.toBeUndefined();
    expect(seen).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(committedAtHandover[0]).toBeUndefined();
    expect((await admin.groupOffsets(`g-${topic}`, topic)).get(0)).toBe(5n);
  });

  it("should hand a partition's next batches over while another partition's batch is still in flight, each partition in order", async () => {
    const topic = topicOf('independent');
    await admin.createTopics([{ name: topic, partitions: 12, replicationFactor: 1 }]);
    const keyOn = (partition: number) => Array.from({ length: 200 }, (_, i) => `k${i}`).find((key) => javaPartitionOf(topic, key) === partition) ?? 'none';
    const [slowKey, busyKey] = [keyOn(3), keyOn(7)];
    const producer = await port.producer();
    await producer.send([{ topic, records: [{ key: slowKey, value: 'slow', headers: {} }] }]);
    // One send per record batch: with 1 byte per partition a fetch returns one record batch of a partition (KIP-74).
    for (let send = 0; send < 4; send++) {
      await producer.send([{ topic, records: Array.from({ length: 5 }, (_, i) => ({ key: busyKey, value: `busy-${send * 5 + i}`, headers: { n: String(send * 5 + i) } })) }]);
    }
    await producer.close();
    const consumer = await port.consumer({ groupId: `g-${topic}`, topic, startAt: 'earliest', maxWaitMs: 100, minBytes: 1, maxBytesPerPartition: 1, maxBytes: 1, sessionTimeoutMs: 10_000 });
    const busyBatches: bigint[][] = [];
    let slowInFlight = false;
    const handedWhileSlowInFlight: boolean[] = [];
    let busyDone: () => void = () => undefined;
    const allBusy = new Promise<void>((resolve) => (busyDone = resolve));
    const slowReturned = new Promise<void>((resolve, reject) =>
      consumer.run(async (batch) => {
        if (batch.partition === 3) {
          slowInFlight = true;
          // Returns only once the other partition got all its batches: a consumer that waited for this one would never get there.
          await Promise.race([allBusy, new Promise((_, fail) => setTimeout(() => fail(new Error('the busy partition was held up by the slow one')), 15_000))]).catch(reject);
          slowInFlight = false;
          resolve();
          return;
        }
        handedWhileSlowInFlight.push(slowInFlight);
        busyBatches.push(batch.records.map((r) => r.offset));
        expect(batch.records.map((r) => r.headers)).toEqual(batch.records.map((r) => [['n', Buffer.from(String(r.offset))]]));
        if (busyBatches.flat().length >= 20) busyDone();
      }),
    );
    try {
      await slowReturned;
    } finally {
      await consumer.stop();
    }
    expect(busyBatches.length).toBeGreaterThan(1);
    expect(busyBatches.flat()).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
    expect(handedWhileSlowInFlight.filter(Boolean).length).toBeGreaterThan(1);
  });

  it('should hand queued records over in whole record batches while they hold fewer than maxRecordsPerBatch, in order, each committed', async () => {
    // prepare: six record batches of 5 records, all in Kafka before the consumer's first fetch
    const topic = topicOf('portions');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = await port.producer();
    for (let send = 0; send < 6; send++) await producer.send([{ topic, records: records(5, `p${send}`) }]);
    await producer.close();
    const consumer = await port.consumer({
      groupId: `g-${topic}`,
      topic,
      startAt: 'earliest',
      maxWaitMs: 100,
      minBytes: 1,
      maxBytesPerPartition: 1024 * 1024,
      maxRecordsPerBatch: 8,
      sessionTimeoutMs: 10_000,
    });
    const batches: bigint[][] = [];

    // act
    await new Promise<void>((resolve, reject) => {
      consumer.run(async (batch) => {
        batches.push(batch.records.map((r) => r.offset));
        await commitAll(batch);
        if (batches.flat().length >= 30) resolve();
      });
      consumer.done.catch(reject);
    });
    await consumer.stop();

    // assess: 5 + 5 passes 8, so at most two record batches a handover
    expect(batches.flat()).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i)));
    for (const batch of batches) expect([5, 10]).toContain(batch.length);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect((await admin.groupOffsets(`g-${topic}`, topic)).get(0)).toBe(30n);
  });

  it('should hand over again, after a rejoin, every record it fetched and had not finished, on a partition the group never committed', async () => {
    // prepare: two partitions of about 60 records each, in many small record batches, before anyone fetches
    const topic = topicOf('rejoin');
    await admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
    const producer = await port.producer();
    for (let send = 0; send < 12; send++) await producer.send([{ topic, records: records(10, `r${send}`) }]);
    const written: number[] = [];
    const groupId = `g-${topic}`;
    // Fetches wait up to 4 s for records: one asked for before the group changes is answered after it.
    const settings = { groupId, topic, startAt: 'earliest' as const, maxWaitMs: 4_000, minBytes: 1, maxBytesPerPartition: 1024 * 1024, maxRecordsPerBatch: 5, sessionTimeoutMs: 10_000 };
    const handled = [new Set<bigint>(), new Set<bigint>()];
    const allHandled = () => written.length === 2 && handled.every((offsets, partition) => offsets.size >= (written[partition] ?? 0));
    let rejoined: () => void = () => undefined;
    const secondMemberJoined = new Promise<void>((resolve) => (rejoined = resolve));
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const handle = (holdFirst: boolean) => {
      let firstBatches = 0;
      return async (batch: PartitionBatch) => {
        // The first batch of each partition is held until a second member joined the group: the
        // consumer has the rest of the partition fetched and queued, and nothing of it committed.
        if (holdFirst && firstBatches++ < 2) await secondMemberJoined;
        if (!batch.stillAssigned()) return;
        for (const record of batch.records) handled[batch.partition]?.add(record.offset);
        await commitAll(batch);
        if (allHandled()) finished();
      };
    };
    const first = await port.consumer(settings);

    // act: a second member joins while the first holds its first batches, then leaves again
    first.run(handle(true));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const second = await port.consumer(settings);
    second.run(handle(false));
    // Records the first member's fetch, waiting since before the change, is answered with.
    await producer.send([{ topic, records: records(10, 'late') }]);
    await producer.close();
    written.push(...(await admin.topicOffsets(topic)).map((p) => Number(p.high)));
    rejoined();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await second.stop();
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 20_000));
    await Promise.race([done, deadline]);
    await first.stop();

    // assess: no offset of either partition was skipped
    expect(written.length === 2 && written.every((count) => count > 20)).toBe(true);
    const missing = handled.map((offsets, partition) => Array.from({ length: written[partition] ?? 0 }, (_, i) => BigInt(i)).filter((offset) => !offsets.has(offset)));
    expect(missing).toEqual([[], []]);
  }, 40_000);

  it('rejects a send to a topic that does not exist, and a send of nothing is acknowledged as nothing', async () => {
    const producer = await port.producer();
    try {
      await expect(producer.send([])).resolves.toEqual([]);
      await expect(producer.send([{ topic: topicOf('missing'), records: records(1, 'm') }])).rejects.toThrow();
      // The producer still works after the refused send.
      const topic = topicOf('after');
      await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
      await expect(producer.send([{ topic, records: records(1, 'x') }])).resolves.toHaveLength(1);
    } finally {
      await producer.close();
    }
  });
});
