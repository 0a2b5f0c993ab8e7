import { readKafkaBootstrap } from '../../tools/kafka/kafkaBootstrap';
import { kafkaBootstrapFile } from '../services/localPaths';

export interface LocalKafka {
  brokers: string[];
}

/** Kafka for local runs: KAFKA_BROKERS when set (any Kafka), else the bootstrap servers `npm run services` wrote for this profile. */
export function localKafka(env: NodeJS.ProcessEnv = process.env): Promise<LocalKafka> {
  const listed = env.KAFKA_BROKERS?.trim();
  if (listed) return Promise.resolve({ brokers: listed.split(',') });
  const bootstrap = readKafkaBootstrap(kafkaBootstrapFile());
  if (bootstrap === undefined) return Promise.reject(new Error(`no Kafka: KAFKA_BROKERS is not set and ${kafkaBootstrapFile()} is missing (run: npm run services)`));
  return Promise.resolve({ brokers: bootstrap.split(',') });
}
