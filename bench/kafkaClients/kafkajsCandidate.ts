import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { errorText, type AdminCoverage, type ClientCandidate, type ConsumedRecord } from './clientCandidate';

const client = (brokers: readonly string[], clientId: string): Kafka =>
  // triplane's retry settings (shared/clients/kafkaProducer.ts).
  new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });

/**
 * kafkajs 2.2.4 as triplane runs it: idempotent producer with one request in flight per broker
 * connection (kafkajs does not re-sequence after a failed in-flight request, so more would break
 * ordering on retry), murmur2 partitioner as Java's, eachBatch consumer resolving each record.
 */
export const kafkajsCandidate: ClientCandidate = {
  name: 'kafkajs',
  version: '2.2.4',

  async producer(brokers) {
    const producer = client(brokers, 'clients-bench-kafkajs').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return {
      async send(topic, records) {
        const metadata = await producer.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })) });
        return new Set(metadata.map((m) => m.partition));
      },
      close: () => producer.disconnect(),
    };
  },

  async consume(brokers, topic, groupId, onBatch) {
    const consumer = client(brokers, 'clients-bench-kafkajs-consumer').consumer({
      groupId,
      maxWaitTimeInMs: 100,
      minBytes: 1,
      maxBytesPerPartition: 6 * 1024 * 1024,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: ({ batch }) => {
        const records: ConsumedRecord[] = batch.messages.map((m) => ({ key: m.key?.toString() ?? '', value: m.value?.toString() ?? '', partition: batch.partition, offset: BigInt(m.offset) }));
        onBatch(records);
        return Promise.resolve();
      },
    });
    return { stop: () => consumer.disconnect() };
  },

  async createTopic(brokers, topic, partitions, replicationFactor) {
    const admin = client(brokers, 'clients-bench-kafkajs-admin').admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor }] });
    } finally {
      await admin.disconnect();
    }
  },

  async partitionLeaders(brokers, topic) {
    const admin = client(brokers, 'clients-bench-kafkajs-admin').admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return new Map((topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
    } finally {
      await admin.disconnect();
    }
  },

  async adminCoverage(brokers, scratch) {
    const kafka = client(brokers, 'clients-bench-kafkajs-admin');
    const admin = kafka.admin();
    const coverage: AdminCoverage = { createTopics: '', describeCluster: '', topicOffsets: '', groupOffsets: '', resetGroupOffsets: '', deleteRecords: '', partitionLeaders: '' };
    const attempt = async (name: keyof AdminCoverage, run: () => Promise<boolean>) => {
      try {
        coverage[name] = (await run()) ? 'ok' : 'wrong answer';
      } catch (error) {
        coverage[name] = errorText(error);
      }
    };
    await admin.connect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    try {
      await attempt('createTopics', () => admin.createTopics({ waitForLeaders: true, topics: [{ topic: scratch, numPartitions: 2, replicationFactor: 1 }] }));
      await producer.connect();
      await producer.send({ topic: scratch, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `v${i}` })) });
      await attempt('describeCluster', async () => (await admin.describeCluster()).brokers.length > 0);
      await attempt('topicOffsets', async () => (await admin.fetchTopicOffsets(scratch)).some((p) => p.partition === 0 && p.high === '10'));
      await attempt('resetGroupOffsets', async () => {
        await admin.setOffsets({ groupId: scratch, topic: scratch, partitions: [{ partition: 0, offset: '4' }] });
        return true;
      });
      await attempt('groupOffsets', async () => (await admin.fetchOffsets({ groupId: scratch, topics: [scratch] }))[0]?.partitions.find((p) => p.partition === 0)?.offset === '4');
      await attempt('deleteRecords', async () => {
        await admin.deleteTopicRecords({ topic: scratch, partitions: [{ partition: 0, offset: '3' }] });
        return (await admin.fetchTopicOffsets(scratch)).find((p) => p.partition === 0)?.low === '3';
      });
      await attempt('partitionLeaders', async () => (await admin.fetchTopicMetadata({ topics: [scratch] })).topics[0]?.partitions.length === 2);
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [scratch] }).catch(() => undefined);
      await admin.disconnect();
    }
    return coverage;
  },
};
