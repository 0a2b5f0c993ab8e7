import { Admin, compatibilityPartitioner, Consumer, ListOffsetTimestamps, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { errorText, type AdminCoverage, type ClientCandidate } from './clientCandidate';

/**
 * Retries sized like triplane's kafkajs setting (5 retries from 100 ms, doubling: about 3 s in all):
 * @platformatic/kafka waits a fixed retryDelay between attempts, so 10 x 300 ms.
 */
const RETRIES = { retries: 10, retryDelay: 300 };

const admin = (brokers: readonly string[]): Admin => new Admin({ clientId: 'clients-bench-platformatic-admin', bootstrapBrokers: [...brokers], ...RETRIES });

/**
 * @platformatic/kafka 2.x: idempotent producer (the client itself limits a connection to one request
 * in flight then, producer.js), compatibilityPartitioner (Java's murmur2 & 0x7fffffff, the same
 * partition for a key as kafkajs' DefaultPartitioner and MSK's Java clients; the client's default
 * partitioner uses murmur2 >>> 0, which maps about half the keys to another partition), and a
 * consumer stream that commits what it has delivered after each fetch.
 */
export const platformaticCandidate: ClientCandidate = {
  name: '@platformatic/kafka',
  version: '2.12.1',

  producer(brokers) {
    const producer = new Producer({
      clientId: 'clients-bench-platformatic',
      bootstrapBrokers: [...brokers],
      idempotent: true,
      acks: -1,
      autocreateTopics: false,
      partitioner: compatibilityPartitioner,
      serializers: stringSerializers,
      ...RETRIES,
    });
    return Promise.resolve({
      async send(topic, records) {
        const result = await producer.send({ messages: records.map((r) => ({ topic, key: r.key, value: r.value, headers: r.headers })) });
        return new Set((result.offsets ?? []).map((o) => o.partition));
      },
      close: () => producer.close(),
    });
  },

  async consume(brokers, topic, groupId, onBatch) {
    const consumer = new Consumer({
      clientId: 'clients-bench-platformatic-consumer',
      groupId,
      bootstrapBrokers: [...brokers],
      deserializers: stringDeserializers,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTime: 100,
      minBytes: 1,
      maxBytesPerPartition: 6 * 1024 * 1024,
      ...RETRIES,
    });
    const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: true });
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- typed as always there, but a keyless record or a tombstone comes without one
    stream.on('data', (message) => onBatch([{ key: message.key ?? '', value: message.value ?? '', partition: message.partition, offset: message.offset }]));
    return {
      async stop() {
        await stream.close();
        await consumer.close(true);
      },
    };
  },

  async createTopic(brokers, topic, partitions, replicationFactor) {
    const client = admin(brokers);
    try {
      await client.createTopics({ topics: [topic], partitions, replicas: replicationFactor });
    } finally {
      await client.close();
    }
  },

  async partitionLeaders(brokers, topic) {
    const client = admin(brokers);
    try {
      const metadata = await client.metadata({ topics: [topic], forceUpdate: true });
      return new Map((metadata.topics.get(topic)?.partitions ?? []).map((p, partition) => [partition, p.leader]));
    } finally {
      await client.close();
    }
  },

  async adminCoverage(brokers, scratch) {
    const client = admin(brokers);
    const coverage: AdminCoverage = { createTopics: '', describeCluster: '', topicOffsets: '', groupOffsets: '', resetGroupOffsets: '', deleteRecords: '', partitionLeaders: '' };
    const attempt = async (name: keyof AdminCoverage, run: () => Promise<boolean>) => {
      try {
        coverage[name] = (await run()) ? 'ok' : 'wrong answer';
      } catch (error) {
        coverage[name] = errorText(error);
      }
    };
    const producer = new Producer({ clientId: 'clients-bench-platformatic-coverage', bootstrapBrokers: [...brokers], idempotent: true, serializers: stringSerializers });
    const partitionOffsets = async (timestamp: bigint) =>
      (await client.listOffsets({ topics: [{ name: scratch, partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, timestamp })) }] }))[0]?.partitions.find((p) => p.partitionIndex === 0)
        ?.offset;
    try {
      await attempt('createTopics', async () => (await client.createTopics({ topics: [scratch], partitions: 2, replicas: 1 })).length === 1);
      await producer.send({ messages: Array.from({ length: 10 }, (_, i) => ({ topic: scratch, partition: 0, key: `k${i}`, value: `v${i}` })) });
      await attempt('describeCluster', async () => (await client.metadata({ topics: [] })).brokers.size > 0);
      await attempt('topicOffsets', async () => (await partitionOffsets(ListOffsetTimestamps.LATEST)) === 10n);
      await attempt('resetGroupOffsets', async () => {
        await client.alterConsumerGroupOffsets({ groupId: scratch, topics: [{ name: scratch, partitionOffsets: [{ partition: 0, offset: 4n }] }] });
        return true;
      });
      await attempt('groupOffsets', async () => {
        const groups = await client.listConsumerGroupOffsets({ groups: [scratch] });
        return groups[0]?.topics.find((t) => t.name === scratch)?.partitions.find((p) => p.partitionIndex === 0)?.committedOffset === 4n;
      });
      await attempt('deleteRecords', async () => {
        await client.deleteRecords({ topics: [{ name: scratch, partitions: [{ partition: 0, offset: 3n }] }] });
        return (await partitionOffsets(ListOffsetTimestamps.EARLIEST)) === 3n;
      });
      await attempt('partitionLeaders', async () => (await client.metadata({ topics: [scratch], forceUpdate: true })).topics.get(scratch)?.partitions.length === 2);
    } finally {
      await producer.close();
      await client.deleteTopics({ topics: [scratch] }).catch(() => undefined);
      await client.close();
    }
    return coverage;
  },
};
