import type { KafkaAdminPort } from '../../shared/kafka/KafkaPort';
import { kafkaClient } from '../../shared/kafka/kafkaClient';
import { TOPICS } from '../../shared/routes/topics';

export interface EnsuredTopics {
  created: string[];
  existing: string[];
}

/**
 * Every topic of the manifest exists with its partition count, created through the admin API where it
 * is missing (replication factor and min.insync.replicas from the broker's defaults: 3 and 2 on the
 * local three-node cluster, whatever the operator chose elsewhere). A topic with fewer partitions than
 * the manifest says is an error: keyed records would land on other partitions than the code expects.
 */
export interface EnsureTopicsOptions {
  ssl?: boolean;
  /**
   * Also wait until every partition of the topics it created has this many replicas in sync (the fault
   * suite's three nodes: a fault on a partition still catching up would test the catch-up, not the fault).
   */
  inSyncReplicas?: number;
  /** How long the new topics may take to get their leaders (and in-sync replicas). */
  timeoutMs?: number;
}

export async function ensureKafkaTopics(brokers: readonly string[], options: EnsureTopicsOptions = {}): Promise<EnsuredTopics> {
  const admin = kafkaClient({ brokers, clientId: 'triplane-services', tls: options.ssl ?? false }).admin();
  try {
    const present = new Set(await admin.listTopics());
    const missing = Object.entries(TOPICS).filter(([name]) => !present.has(name));
    if (missing.length > 0) {
      await admin.createTopics(missing.map(([name, spec]) => ({ name, partitions: spec.partitions })));
      await waitForLeaders(
        admin,
        missing.map(([name]) => name),
        options.inSyncReplicas ?? 0,
        options.timeoutMs,
      );
    }
    const existing = Object.keys(TOPICS).filter((name) => present.has(name));
    if (existing.length > 0) {
      const topics = await admin.describeTopics(existing);
      const short = topics.filter((t) => t.partitions.length < TOPICS[t.name as keyof typeof TOPICS].partitions);
      if (short.length > 0) {
        throw new Error(`topics with fewer partitions than shared/routes/topics.ts says: ${short.map((t) => `${t.name} has ${t.partitions.length}`).join(', ')}`);
      }
    }
    return { created: missing.map(([name]) => name), existing };
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/**
 * Until every partition of the new topics has a leader (and `inSync` replicas in sync): a broker answers
 * UNKNOWN_TOPIC_OR_PARTITION until the new topic's metadata reaches it (seen on the fault suite's three
 * nodes), and a produce before then fails.
 */
async function waitForLeaders(admin: KafkaAdminPort, topics: readonly string[], inSync: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await admin.describeTopics(topics).catch(() => undefined);
    if (found !== undefined && found.length === topics.length && found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0 && p.isr.length >= inSync))) return;
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader (and ${inSync} in-sync replicas) for every partition after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
