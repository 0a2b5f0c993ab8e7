/**
 * Every Kafka topic of the system. 12 partitions at least: 3-partition topics are where hot
 * partitions come from, and the partition count caps consumer parallelism on MSK.
 */
export const TOPICS = {
  sessions: { partitions: 12 },
  flags: { partitions: 12 },
  scores: { partitions: 12 },
  activity: { partitions: 12 },
  orders: { partitions: 12 },
  'dead-letters': { partitions: 12 },
} as const;

export type TopicName = keyof typeof TOPICS;

export const DEAD_LETTER_TOPIC: TopicName = 'dead-letters';

export const MIN_PARTITIONS = 12;
