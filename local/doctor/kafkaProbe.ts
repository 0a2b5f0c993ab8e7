import { Kafka, logLevel, type Admin } from 'kafkajs';
import { kafkaConnection, type KafkaConnection } from '../../shared/clients/kafkaBrokers';
import type { FunctionRoute } from '../../shared/routes/manifest';
import { consumerLag } from '../replay/consumerLag';
import { localKafka } from '../runtime/localKafka';
import { consumerGroupOf } from '../wiring/renderServerlessConfig';
import type { GroupLag, UnmeasuredLag } from './checkBacklogs';
import type { TopicPartitions } from './checkTopicPartitions';

/** Where Kafka is: KAFKA_BROKERS or MSK_CLUSTER_ARN when set (as the functions find it), else this profile's local Kafka (.triplane/kafka.json). */
async function doctorKafkaConnection(): Promise<KafkaConnection> {
  if (process.env.KAFKA_BROKERS?.trim() || process.env.MSK_CLUSTER_ARN) return kafkaConnection();
  const local = await localKafka();
  return { brokers: local.brokers, ssl: false };
}

/** An admin client that gives up fast: a doctor that waits a minute for a dead broker is no help. */
export async function withKafkaAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const { brokers, ssl } = await doctorKafkaConnection();
  const kafka = new Kafka({
    clientId: 'triplane-doctor',
    brokers,
    ssl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1_000 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Every topic of the cluster with its partition count (fetchTopicMetadata with no topics lists them all). */
export async function clusterTopicPartitions(admin: Admin): Promise<TopicPartitions[]> {
  const { topics } = await admin.fetchTopicMetadata();
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.length }));
}

/**
 * The lag of every MSK-triggered function on each of its topics, in the consumer group Lambda uses
 * (consumerGroupOf, plus a suffix when the local runtime ran with one). A group that never committed
 * lags by the whole topic, as a new event source mapping would start from TRIM_HORIZON.
 */
export async function functionLags(admin: Admin, functions: readonly FunctionRoute[], groupSuffix: string): Promise<{ lags: GroupLag[]; unmeasured: UnmeasuredLag[] }> {
  const pairs = functions.flatMap((fn) => (fn.kafka?.topics ?? []).map((topic) => ({ fn: fn.name, topic, group: `${consumerGroupOf(fn, topic)}${groupSuffix}` })));
  const lags: GroupLag[] = [];
  const unmeasured: UnmeasuredLag[] = [];
  // One pair at a time: kafkajs' fetchTopicOffsets, run concurrently for several topics on one admin,
  // sometimes fails inside kafkajs ("Cannot destructure property 'partitions' of 'high.pop(...)'").
  for (const pair of pairs) {
    try {
      const { total, deletedUnread } = await consumerLag(admin, pair.group, pair.topic);
      lags.push({ ...pair, lag: total, deletedUnread });
    } catch (error) {
      unmeasured.push({ group: pair.group, topic: pair.topic, reason: (error as Error).message });
    }
  }
  return { lags, unmeasured };
}
