import { ensureKafkaTopics } from '../../tools/kafka/ensureKafkaTopics';
import { startKafkaCluster } from '../../tools/kafka/kafkaCluster';
import { writeKafkaBootstrap } from '../../tools/kafka/kafkaBootstrap';
import { localConfig } from '../config/localConfig';
import { kafkaBootstrapFile, kafkaClusterDir, profileFromEnv } from './localPaths';

/**
 * The profile's Kafka: `KAFKA_BROKERS` when set (topics created there too), else this checkout's local
 * Apache Kafka, started if it does not run. One combined KRaft node: it starts in about 3 s where three
 * take about 10 s on two cores, and nothing `npm start` or `npm test` does needs a second broker (the
 * fault suite starts three of its own). TRIPLANE_FRESH_KAFKA=1 starts it from empty storage: test
 * runtimes read their topics from the start, and a backlog left by earlier runs would make them slow.
 */
export async function ensureKafka(log: (message: string) => void): Promise<string> {
  const config = localConfig();
  if (config.KAFKA_BROKERS !== undefined) {
    const listed = config.KAFKA_BROKERS.join(',');
    const topics = await ensureKafkaTopics(config.KAFKA_BROKERS, { ssl: config.KAFKA_SSL });
    log(`using Kafka at ${listed} (KAFKA_BROKERS is set)${topics.created.length > 0 ? `, created topics ${topics.created.join(', ')}` : ''}`);
    return listed;
  }
  const cluster = await startKafkaCluster({ dir: kafkaClusterDir(), brokers: 1, fresh: config.TRIPLANE_FRESH_KAFKA, log });
  const topics = await ensureKafkaTopics(cluster.brokers);
  if (topics.created.length > 0) log(`created Kafka topics ${topics.created.join(', ')} (profile ${profileFromEnv()})`);
  writeKafkaBootstrap(kafkaBootstrapFile(), cluster.bootstrap);
  return cluster.bootstrap;
}
