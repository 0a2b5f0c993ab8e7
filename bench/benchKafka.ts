import { compatibilityPartitioner, Producer as RawProducer } from '@platformatic/kafka';
import { Kafka, logLevel, Partitioners, type Message, type Producer } from 'kafkajs';
import { kafkaBrokers } from './benchEnvironment';

/** A kafkajs client for the baselines and for filling topics: plain, as a user of kafkajs would make it. */
export const benchKafka = (clientId: string): Kafka => new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });

/**
 * A topic of the benchmark's own, made through the admin API. A fresh topic per run holds exactly the
 * records produced for it: a shared topic would also hold whatever else wrote to it, and a fresh consumer
 * group reading from the beginning would consume all of those too. The Kafka is the benchmarks' own
 * (testkit/privateKafka, started by runBenchmarks), so the topic goes when the run ends.
 */
export async function createBenchTopic(name: string, partitions = 12): Promise<void> {
  const admin = benchKafka('tpbench-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: partitions }] });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The client triplane produces with (@platformatic/kafka), used raw: the same producer settings as
 * shared/kafka/platformaticKafka.ts (idempotent, acks=all, Java's murmur2 partitioning), none of triplane's
 * code around it (no KafkaPort, no per-partition acknowledgement check, no envelope work).
 */
export const benchRawProducer = (clientId: string): RawProducer =>
  new RawProducer({ clientId, bootstrapBrokers: kafkaBrokers(), idempotent: true, acks: -1, autocreateTopics: false, partitioner: compatibilityPartitioner });

/** A kafkajs producer (murmur2 partitioner, idempotent, acks=all, one request in flight), connected. */
export async function benchProducer(clientId: string): Promise<Producer> {
  const producer = benchKafka(clientId).producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return producer;
}

/** Writes messages with acks=all in batches, a few in flight, and resolves once Kafka has all of them. */
export async function produceAll(producer: Producer, topic: string, messages: readonly Message[], batchSize = 1_000, inFlight = 4): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < messages.length) {
      const batch = messages.slice(next, next + batchSize);
      next += batchSize;
      await producer.send({ topic, acks: -1, messages: batch });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/**
 * Records not yet committed by each group, summed over the topic's partitions. Used to wait until a
 * freshly started runtime has caught up with what the topics already hold before anything is timed
 * (the admin API's committed offsets against each partition's end).
 */
export async function consumerLag(groups: ReadonlyArray<{ groupId: string; topic: string }>): Promise<number> {
  const admin = benchKafka('tpbench-lag').admin();
  await admin.connect();
  try {
    let lag = 0;
    const ends = new Map<string, Array<{ partition: number; high: string; low: string }>>();
    for (const { groupId, topic } of groups) {
      if (!ends.has(topic)) ends.set(topic, await admin.fetchTopicOffsets(topic));
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const end of ends.get(topic) ?? []) {
        const done = byPartition.get(end.partition) ?? -1;
        lag += Number(end.high) - Math.max(done, Number(end.low));
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/**
 * The groups of `groupIds` with no member yet in a settled group. A runtime's mappings join their
 * groups in the background (the HTTP API does not wait for them), so a benchmark waits for this too
 * before anything is timed: on topics with nothing left to read, no lag alone says the consumers are there.
 */
export async function groupsNotJoined(groupIds: readonly string[]): Promise<string[]> {
  const admin = benchKafka('tpbench-groups').admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([...groupIds]);
    const joined = new Set(groups.filter((group) => group.state === 'Stable' && group.members.length > 0).map((group) => group.groupId));
    return groupIds.filter((groupId) => !joined.has(groupId));
  } finally {
    await admin.disconnect();
  }
}
