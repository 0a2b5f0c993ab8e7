import { readKafkaBootstrap } from '../../tools/kafka/kafkaBootstrap';
import { kafkaBootstrapFile } from '../services/localPaths';

export interface LocalKafka {
  brokers: string[];
}

/** Kafka for local runs: KAFKA_BROKERS when set (any Kafka), else the bootstrap servers `npm run services` wrote for this profile. */
export async function localKafka(env: NodeJS.ProcessEnv = process.env): Promise<LocalKafka> {
  const listed = env.KAFKA_BROKERS?.trim();
  if (listed) return { brokers: listed.split(',') };
  const bootstrap = readKafkaBootstrap(kafkaBootstrapFile());
  if (bootstrap === undefined) throw new Error(`no Kafka: KAFKA_BROKERS is not set and ${kafkaBootstrapFile()} is missing (run: npm run services)`);
  return { brokers: bootstrap.split(',') };
}
