import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaTopics } from '../tools/kafka/ensureKafkaTopics';
import { startKafkaCluster, type KafkaCluster } from '../tools/kafka/kafkaCluster';

/**
 * A Kafka of the benchmarks' own: one combined KRaft node as `npm start` runs (three JVMs on the two
 * cores would measure their contention, not the system), in a temporary folder, the topics of shared/routes/topics.ts.
 *
 * Why not the test profile's Kafka: the benchmarks write a few hundred thousand records per run; there
 * they would stay in `sessions`, `activity`, `scores` and `orders`, and every fresh consumer group (a
 * test runtime, a replay, the next benchmark run) would read them all from the start. Here every run
 * starts from empty topics, and its storage is gone when it ends.
 */
let running: { cluster: KafkaCluster; dir: string } | undefined;

export async function startBenchKafka(): Promise<KafkaCluster> {
  if (running !== undefined) return running.cluster;
  const dir = mkdtempSync(join(tmpdir(), 'tpbench-kafka-'));
  const cluster = await startKafkaCluster({ dir, brokers: 1 });
  running = { cluster, dir };
  await ensureKafkaTopics(cluster.brokers);
  // Every client made from now on (the shared producer, the runtime's mappings, the baselines) uses it.
  process.env.KAFKA_BROKERS = cluster.bootstrap;
  return cluster;
}

export async function stopBenchKafka(): Promise<void> {
  const current = running;
  running = undefined;
  if (current === undefined) return;
  await current.cluster.stop();
  rmSync(current.dir, { recursive: true, force: true });
}
