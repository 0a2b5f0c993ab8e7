import { kafkaProducer } from '../clients/kafkaProducer';
import type { Envelope } from '../envelope/envelope';
import { specOf } from '../envelope/eventCatalog';
import { toKafkaMessage } from '../envelope/toKafkaMessage';
import { downstream } from '../resilience/downstream';
import { gatheredProduce, KAFKA_REQUEST_LIMITS, outgoingBytes, piecesWithin, type GatherableRecord } from './gatheredProduce';

// The guard is looked up when a request is sent, inside the invocation that sends it (shared/resilience/downstream).
const gather = gatheredProduce(
  (batches) =>
    downstream('kafka').call(async () => {
      await (await kafkaProducer()).send(batches);
    }),
  KAFKA_REQUEST_LIMITS,
);

/**
 * Publishes envelopes to their topics (from the event catalog), acks=all. Resolves only when Kafka has
 * all of them; a rejection may leave some stored, which is safe to retry because the ids are the same
 * and every consumer is idempotent per id. Concurrent calls are sent together (gatheredProduce.ts):
 * each caller still resolves only once its own events are acknowledged, and fails if the shared request fails.
 */
export async function publishToKafka(envelopes: ReadonlyArray<Envelope>): Promise<void> {
  if (envelopes.length === 0) return;
  const records: GatherableRecord[] = [];
  for (const envelope of envelopes) {
    const topic = specOf(envelope.type)?.topic;
    if (topic === undefined || topic === null) throw new Error(`${envelope.type} has no Kafka topic`);
    const record = toKafkaMessage(envelope);
    records.push({ topic, record, bytes: outgoingBytes(record) });
  }
  // A call past the limits goes in pieces, each acknowledged before the next is sent (piecesWithin).
  for (const piece of piecesWithin(records, KAFKA_REQUEST_LIMITS)) await gather(piece);
}
