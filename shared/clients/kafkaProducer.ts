import { Kafka, logLevel, type Producer } from 'kafkajs';
import { connectOnce } from './connectOnce';
import { kafkaConnection } from './kafkaBrokers';
import { rememberingPartitioner } from './partitionChoices';

const producer = connectOnce(connectProducer);

/**
 * The process's Kafka producer, connected once and reused across invocations. Every send uses
 * acks=all (-1) and an idempotent producer, on MSK and on the local Apache Kafka alike: a retried
 * send is written once, in order (producer id and sequence numbers per partition).
 */
export function kafkaProducer(): Promise<Producer> {
  return producer.get();
}

async function connectProducer(): Promise<Producer> {
  const { brokers, ssl, sasl } = await kafkaConnection();
  const kafka = new Kafka({
    clientId: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'triplane',
    brokers,
    ssl,
    sasl,
    logLevel: logLevel.WARN,
    retry: { retries: 5, initialRetryTime: 100 },
  });
  const created = kafka.producer({
    idempotent: true,
    // kafkajs does not re-sequence requests after a failed in-flight one: one in flight keeps retries in order.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // murmur2 on the key, as Java clients do, remembering each choice for acknowledgedSend.
    createPartitioner: rememberingPartitioner,
  });
  await created.connect();
  return created;
}

export async function closeKafkaProducer(): Promise<void> {
  const current = producer.forget();
  if (current !== undefined) await (await current.catch(() => undefined))?.disconnect();
}
