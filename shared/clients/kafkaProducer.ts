import { functionConfig } from '../config/functionConfig';
import type { KafkaProducerPort } from '../kafka/KafkaPort';
import { connectOnce } from './connectOnce';
import { kafkaSettings } from './kafkaSettings';
import { closeOnShutdown } from './sharedClients';

const producer = connectOnce(connectProducer);

/**
 * The process's Kafka producer, made once and reused across invocations: @platformatic/kafka behind
 * the KafkaPort, idempotent with acks=all, on MSK and on the local Apache Kafka alike. kafkajs 2.2.4
 * left the produce path because its idempotent producer lost acknowledged records when a leader broker
 * was killed (README, "Kafka client, chosen by measurement"). No sequence-error guard sits on top:
 * after UNKNOWN_PRODUCER_ID or OUT_OF_ORDER_SEQUENCE_NUMBER the client itself asks for a new producer
 * id, resets its sequences and sends the batch once more (producer.js, #recoverIdempotentProducer).
 */
export function kafkaProducer(): Promise<KafkaProducerPort> {
  return producer.get();
}

async function connectProducer(): Promise<KafkaProducerPort> {
  closeOnShutdown(closeKafkaProducer);
  // Loaded on the first produce, not at init: @platformatic/kafka compiles its option schemas when it
  // loads (about 0.3 s of a projection's 0.46 s cold init under Node 22), and a projection produces
  // only when it dead-letters a record. A require, not import(): the local runtime's workers load
  // TypeScript through tsx's CommonJS hook only, and esbuild's bundle evaluates a required module lazily.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { kafkaClient } = require('../kafka/kafkaClient') as typeof import('../kafka/kafkaClient');
  return kafkaClient(await kafkaSettings(functionConfig().AWS_LAMBDA_FUNCTION_NAME ?? 'triplane')).producer();
}

export async function closeKafkaProducer(): Promise<void> {
  const current = producer.forget();
  if (current !== undefined) await (await current.catch(() => undefined))?.close();
}
