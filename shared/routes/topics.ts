/**
 * Kafka's `retention.ms` value for "keep every record": the log is the system's source of truth and
 * `npm run replay` rebuilds projections from offset 0 (flags and leaderboards have no TTL), so no topic
 * may drop records. Locally the brokers are set so (tools/kafka/kafkaNodeProperties.ts); a deployed
 * cluster must be too (Kafka's default is 168 hours, which MSK keeps unless its configuration says
 * otherwise: https://docs.aws.amazon.com/msk/latest/developerguide/msk-default-configuration.html).
 */
export const KEEP_FOREVER = -1;

/**
 * Every Kafka topic of the system. 12 partitions at least: 3-partition topics are where hot
 * partitions come from, and the partition count caps consumer parallelism on MSK. `retentionMs` is the
 * longest any environment may keep a record of the topic (Kafka's `retention.ms`, -1 for ever): how
 * long an old event version may still be read from it, so `npm run schemas -- check` lets a version be
 * retired only once that long has passed since it was last written.
 */
export const TOPICS = {
  sessions: { partitions: 12, retentionMs: KEEP_FOREVER },
  flags: { partitions: 12, retentionMs: KEEP_FOREVER },
  scores: { partitions: 12, retentionMs: KEEP_FOREVER },
  activity: { partitions: 12, retentionMs: KEEP_FOREVER },
  orders: { partitions: 12, retentionMs: KEEP_FOREVER },
  'dead-letters': { partitions: 12, retentionMs: KEEP_FOREVER },
} as const;

export type TopicName = keyof typeof TOPICS;

export const DEAD_LETTER_TOPIC: TopicName = 'dead-letters';

export const MIN_PARTITIONS = 12;
