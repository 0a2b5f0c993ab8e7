import { fail, listSome, pass, type CheckResult } from './checkResult';

export const MANIFEST_PARTITIONS_CHECK = 'topic partitions (manifest)';
export const KAFKA_PARTITIONS_CHECK = 'topic partitions (kafka)';

export interface TopicPartitions {
  name: string;
  partitions: number;
}

const tooFew = (topics: readonly TopicPartitions[], min: number) => topics.filter((t) => t.partitions < min).map((t) => `${t.name} has ${t.partitions}`);

/** 3-partition topics are where hot partitions come from, and partitions cap MSK consumer parallelism. */
export function checkManifestPartitions(topics: readonly TopicPartitions[], min: number): CheckResult {
  const short = tooFew(topics, min);
  if (short.length === 0) return pass(MANIFEST_PARTITIONS_CHECK, `${topics.length} topics, each with ${min}+ partitions`);
  return fail(MANIFEST_PARTITIONS_CHECK, `fewer than ${min} partitions: ${listSome(short)}`, `raise partitions to ${min}+ in shared/routes/topics.ts`);
}

/**
 * What the cluster really has: every manifest topic must exist, and no topic (the manifest's or one
 * created by hand or by auto-creation) may have fewer than `min` partitions. Kafka's internal topics
 * (`__consumer_offsets`) are the broker's business.
 */
export function checkKafkaPartitions(observed: readonly TopicPartitions[], manifestTopics: readonly string[], min: number): CheckResult {
  const userTopics = observed.filter((t) => !t.name.startsWith('__'));
  const missing = manifestTopics.filter((name) => !userTopics.some((t) => t.name === name));
  const short = tooFew(userTopics, min);
  const problems = [...(missing.length > 0 ? [`missing from the cluster: ${listSome(missing)}`] : []), ...(short.length > 0 ? [`fewer than ${min} partitions: ${listSome(short)}`] : [])];
  if (problems.length === 0) return pass(KAFKA_PARTITIONS_CHECK, `${userTopics.length} topics in the cluster, each with ${min}+ partitions`);
  return fail(
    KAFKA_PARTITIONS_CHECK,
    problems.join('; '),
    `create missing topics with the partition count of shared/routes/topics.ts (npm run services creates them through the admin API); kafka-topics.sh --alter --partitions ${min} for short ones`,
  );
}
