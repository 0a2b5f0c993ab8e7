import type { TopicMessages } from 'kafkajs';
import { closeKafkaProducer, kafkaProducer } from '../clients/kafkaProducer';
import { acknowledgedSend } from './acknowledgedSend';

/**
 * Broker answers that leave kafkajs' idempotent producer unable to send again: its sequence numbers
 * (or its producer id) no longer match the broker's, and kafkajs 2.2.4 neither resets them nor gets a
 * new producer id, so every later send of the process fails the same way. The fault suite's "Kafka
 * connections cut" scenario (TCP resets through toxiproxy while produce requests are in flight) left
 * ingest answering 503 for good with OUT_OF_ORDER_SEQUENCE_NUMBER until the runtime was restarted.
 */
const BROKEN_PRODUCER_STATES = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

/** True when `error`, or an error it wraps (kafkajs' retries-exceeded error keeps the last one as its cause), is one of those answers. */
export function isBrokenProducerState(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    if ('type' in current && typeof current.type === 'string' && BROKEN_PRODUCER_STATES.has(current.type)) return true;
    current = 'cause' in current ? current.cause : 'originalError' in current ? current.originalError : undefined;
  }
  return false;
}

/**
 * Sends with the process's producer (acknowledgedSend: every partition acknowledged). After a broken
 * producer state the producer is dropped, so the caller's retry gets a new one with a new producer id;
 * a batch the broker had in fact written may then be written twice, which consumers absorb (they are
 * idempotent per event id), where keeping the old producer would refuse every event from then on.
 */
export async function sendToKafka(topicMessages: TopicMessages[]): Promise<void> {
  const producer = await kafkaProducer();
  try {
    await acknowledgedSend(producer, topicMessages);
  } catch (error) {
    if (isBrokenProducerState(error)) await closeKafkaProducer().catch(() => undefined);
    throw error;
  }
}
