import { kafkaProducer } from '../clients/kafkaProducer';
import type { Envelope } from '../envelope/envelope';
import { specOf } from '../envelope/eventCatalog';
import { toKafkaMessageWith } from '../envelope/toKafkaMessage';
import { downstream } from '../resilience/downstream';
import { gatheredProduce, KAFKA_REQUEST_LIMITS, piecesWithin, type GatherableRecord } from './gatheredProduce';

// The guard is looked up when a request is sent, inside the invocation that sends it (shared/resilience/downstream).
const gather = gatheredProduce(
  (batches) =>
    downstream('kafka').call(async () => {
      await (await kafkaProducer()).send(batches);
    }),
  KAFKA_REQUEST_LIMITS,
);

/** A record made by kafkaRecordOf: with the UTF-8 size of its value, the envelope's JSON. */
export interface SizedRecord extends GatherableRecord {
  valueBytes: number;
}

/**
 * An envelope as the record publishToKafka sends: its topic (from the event catalog), its JSON made
 * once, and its size as the request limits count it. A caller that checks sizes (ingest) checks the
 * size of the very JSON that is sent. The JSON stays text: the producer writes it as UTF-8 straight
 * into the produce request (shared/kafka/oneBufferProducer.ts), without a Buffer per record.
 */
export function kafkaRecordOf(envelope: Envelope): SizedRecord {
  const topic = specOf(envelope.type)?.topic;
  if (topic === undefined || topic === null) throw new Error(`${envelope.type} has no Kafka topic`);
  const json = JSON.stringify(envelope);
  const record = toKafkaMessageWith(envelope, json);
  const valueBytes = Buffer.byteLength(json, 'utf8');
  return { topic, record, bytes: (record.key === null ? 0 : Buffer.byteLength(record.key, 'utf8')) + valueBytes, valueBytes };
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
