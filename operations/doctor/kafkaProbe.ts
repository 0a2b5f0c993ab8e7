import { kafkaSettings } from '../../shared/clients/kafkaSettings';
import type { KafkaAdminPort, KafkaSettings } from '../../shared/kafka/KafkaPort';
import { kafkaClient } from '../../shared/kafka/kafkaClient';
import { subscriptionsOf, type FunctionRoute } from '../../shared/routes/functionCatalog';
import { consumerLag } from '../../shared/kafka/consumerLag';
import { localKafka } from '../../emulator/runtime/localKafka';
import type { GroupLag, UnmeasuredLag } from './checkBacklogs';
import type { TopicPartitions } from './checkTopicPartitions';
import type { TopicRetention } from './checkTopicRetention';
import { localConfig } from '../../emulator/config/localConfig';

const CLIENT_ID = 'triplane-doctor';

/** Where Kafka is: KAFKA_BROKERS or MSK_CLUSTER_ARN when set (as the functions find it, MSK IAM included), else this profile's local Kafka (.triplane/kafka.json). */
async function doctorKafkaSettings(): Promise<KafkaSettings> {
  const config = localConfig();
  if (config.KAFKA_BROKERS !== undefined || config.MSK_CLUSTER_ARN !== undefined) return kafkaSettings(CLIENT_ID);
  const local = await localKafka();
  return { brokers: local.brokers, clientId: CLIENT_ID, tls: false };
}

/** An admin client that gives up fast: a doctor that waits a minute for a dead broker is no help. */
export async function withKafkaAdmin<T>(use: (admin: KafkaAdminPort) => Promise<T>): Promise<T> {
  const settings = await doctorKafkaSettings();
  const admin = kafkaClient({ ...settings, patience: { connectTimeoutMs: 2_000, requestTimeoutMs: 10_000, retries: 1 } }).admin();
  try {
    return await use(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Every topic of the cluster with its partition count. */
export async function clusterTopicPartitions(admin: KafkaAdminPort): Promise<TopicPartitions[]> {
  return (await admin.describeTopics()).map((t) => ({ name: t.name, partitions: t.partitions.length }));
}

/**
 * The lag of every MSK-triggered function on each of its topics, in the consumer group Lambda uses
 * (serverless.yml's consumerGroupId, plus a suffix when the local runtime ran with one). A group that never committed
 * lags by the whole topic, as a new event source mapping would start from TRIM_HORIZON.
 */
export async function functionLags(admin: KafkaAdminPort, functions: readonly FunctionRoute[], groupSuffix: string): Promise<{ lags: GroupLag[]; unmeasured: UnmeasuredLag[] }> {
  const pairs = functions.flatMap((fn) => subscriptionsOf(fn).map(({ topic, consumerGroupId }) => ({ fn: fn.name, topic, group: `${consumerGroupId}${groupSuffix}` })));
  const measured = await Promise.all(
    pairs.map((pair) =>
      consumerLag(admin, pair.group, pair.topic).then(
        ({ total, deletedUnread }) => ({ lag: { ...pair, lag: total, deletedUnread } }),
        (error: unknown) => ({ unmeasured: { group: pair.group, topic: pair.topic, reason: (error as Error).message } }),
      ),
    ),
  );
  return {
    lags: measured.flatMap((m) => ('lag' in m ? [m.lag] : [])),
    unmeasured: measured.flatMap((m) => ('unmeasured' in m ? [m.unmeasured] : [])),
  };
}

/** Each topic's retention as the broker applies it (its own setting or the broker default). */
export async function topicRetentions(admin: KafkaAdminPort, topics: readonly string[]): Promise<TopicRetention[]> {
  const present = new Set(await admin.listTopics());
  return Promise.all(
    topics
      .filter((name) => present.has(name))
      .map(async (name) => {
        const config = await admin.topicConfigs(name, ['retention.ms', 'retention.bytes']);
        return { name, retentionMs: Number(config['retention.ms'] ?? -1), retentionBytes: Number(config['retention.bytes'] ?? -1) };
      }),
  );
}
