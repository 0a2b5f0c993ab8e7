import type { KafkaSettings } from '../kafka/KafkaPort';
import { kafkaConnection } from './kafkaBrokers';

/** The discovered Kafka (kafkaBrokers.ts) as KafkaPort settings: TLS and the MSK IAM token provider when on MSK. */
export async function kafkaSettings(clientId: string): Promise<KafkaSettings> {
  const { brokers, ssl, oauthBearerToken } = await kafkaConnection();
  return { brokers, clientId, tls: ssl, ...(oauthBearerToken ? { oauthBearerToken } : {}) };
}
