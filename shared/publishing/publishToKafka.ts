import { kafkaProducer } from '../clients/kafkaProducer';
import type { Envelope } from '../envelope/envelope';
import { specOf } from '../envelope/eventCatalog';
import { toKafkaMessage } from '../envelope/toKafkaMessage';
import { downstream } from '../resilience/downstream';

/**
 * Publishes envelopes to their topics (from the event catalog) in one request, acks=all. Resolves only
 * when Kafka has all of them; a rejection may leave some stored, which is safe to retry because the
 * ids are the same and every consumer is idempotent per id.
 */
export async function publishToKafka(envelopes: ReadonlyArray<Envelope>): Promise<void> {
  if (envelopes.length === 0) return;
  const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
  for (const envelope of envelopes) {
    const topic = specOf(envelope.type)?.topic;
    if (topic === undefined || topic === null) throw new Error(`${envelope.type} has no Kafka topic`);
    const messages = byTopic.get(topic) ?? [];
    messages.push(toKafkaMessage(envelope));
    byTopic.set(topic, messages);
  }
  await downstream('kafka').call(async () => {
    const producer = await kafkaProducer();
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  });
}
