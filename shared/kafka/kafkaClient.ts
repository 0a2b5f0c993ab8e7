import type { KafkaPort, KafkaSettings } from './KafkaPort';
import { platformaticKafka } from './platformaticKafka';

/**
 * The Kafka client of triplane, behind the KafkaPort: @platformatic/kafka, chosen by measurement
 * (README, "Kafka client, chosen by measurement"). The one place that names it, so the handlers, the
 * local event source mappings and the tools never do.
 */
export function kafkaClient(settings: KafkaSettings): KafkaPort {
  return platformaticKafka(settings);
}

/** The local Kafka (or KAFKA_BROKERS) for a tool: plain, no TLS, as the local runtime reaches it. */
export function localKafkaClient(brokers: readonly string[], clientId: string, patience?: KafkaSettings['patience']): KafkaPort {
  return kafkaClient({ brokers, clientId, tls: false, ...(patience ? { patience } : {}) });
}
