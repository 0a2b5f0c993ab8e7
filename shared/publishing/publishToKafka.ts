import { kafkaProducer } from '../clients/kafkaProducer';
import type { Envelope } from '../envelope/envelope';
import { specOf } from '../envelope/eventCatalog';
import { toKafkaMessageWith } from '../envelope/toKafkaMessage';
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
 * An envelope as the record publishToKafka sends: its topic (from the event catalog), its JSON made into
 * bytes once, and its size as the request limits count it. A caller that checks sizes (ingest) checks
 * the very bytes that are sent.
 */
export function kafkaRecordOf(envelope: Envelope): GatherableRecord {
  const topic = specOf(envelope.type)?.topic;
  if (topic === undefined || topic === null) throw new Error(`${envelope.type} has no Kafka topic`);
  const record = toKafkaMessageWith(envelope, Buffer.from(JSON.stringify(envelope), 'utf8'));
  return { topic, record, bytes: outgoingBytes(record) };
}

/**
 * Publishes records made by kafkaRecordOf, acks=all. Resolves only when Kafka has all of them; a
 * rejection may leave some stored, which is safe to retry because the ids are the same and every
 * consumer is idempotent per id. Concurrent calls are sent together (gatheredProduce.ts): each caller
 * still resolves only once its own records are acknowledged, and fails if the shared request fails.
 */
export async function publishRecords(records: readonly GatherableRecord[]): Promise<void> {
  if (records.length === 0) return;
  // A call past the limits goes in pieces, each acknowledged before the next is sent (piecesWithin).
  for (const piece of piecesWithin(records, KAFKA_REQUEST_LIMITS)) await gather(piece);
}

/** Publishes envelopes to their topics, acks=all, as publishRecords does. */
export async function publishToKafka(envelopes: ReadonlyArray<Envelope>): Promise<void> {
  await publishRecords(envelopes.map(kafkaRecordOf));
}
