import { Kafka, logLevel, type Producer } from 'kafkajs';
import { connectOnce } from './connectOnce';
import { kafkaConnection } from './kafkaBrokers';
import { rememberingPartitioner } from './partitionChoices';

const producer = connectOnce(connectProducer);
let connected: Producer | undefined;

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
  connected = created;
  return created;
}

/** How long a retired producer may finish the sends it still has in flight before it is disconnected. */
const RETIRED_PRODUCER_GRACE_MS = 30_000;

/** The broker's answers that say its sequence state for this producer id no longer matches the client's. */
const SEQUENCE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** True when `error`, or an error it wraps (kafkajs' retry and aggregate errors), is a sequence error. */
export function isProducerSequenceError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if (SEQUENCE_ERRORS.has(String(Reflect.get(error, 'type')))) return true;
  const inner = [Reflect.get(error, 'cause'), Reflect.get(error, 'originalError'), ...((Reflect.get(error, 'errors') as unknown[] | undefined) ?? [])];
  return inner.some((candidate) => isProducerSequenceError(candidate, depth + 1));
}

/**
 * Replaces the shared producer after a send through it failed on its sequence numbers. kafkajs 2.2.4
 * keeps counting sequence numbers for the partitions of a refused produce and has no epoch bump as the
 * Java client (KIP-360): against real Kafka, after refused produces (MESSAGE_TOO_LARGE in
 * test/e2e/breakers.test.ts) later sends failed with OUT_OF_ORDER_SEQUENCE_NUMBER. A new producer gets a
 * new producer id, whose sequences start again at 0. A send retried under the new id may store a record
 * twice; every consumer is idempotent per event id.
 */
export function retireKafkaProducerAfter(failed: Producer, error: unknown): void {
  // Only the producer that failed: concurrent failures of one send must not also retire its successor.
  if (connected !== failed || !isProducerSequenceError(error)) return;
  connected = undefined;
  producer.forget();
  setTimeout(() => void failed.disconnect().catch(() => undefined), RETIRED_PRODUCER_GRACE_MS).unref();
}

/**
 * Runs a send on the shared producer; when the broker refused it for its sequence numbers (so nothing of
 * it was written), retires that producer and runs the send once more on a new one.
 */
export async function withKafkaProducer(send: (producer: Producer) => Promise<void>): Promise<void> {
  const first = await kafkaProducer();
  try {
    await send(first);
  } catch (error) {
    if (!isProducerSequenceError(error)) throw error;
    retireKafkaProducerAfter(first, error);
    await send(await kafkaProducer());
  }
}

export async function closeKafkaProducer(): Promise<void> {
  const current = producer.forget();
  if (current !== undefined) await (await current.catch(() => undefined))?.disconnect();
}
