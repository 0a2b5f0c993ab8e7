import type { OutgoingRecord } from '../kafka/KafkaPort';
import type { Envelope } from './envelope';

/**
 * The Kafka record of an envelope: keyed by the envelope's key (per-key order), the whole envelope as
 * JSON value, and id, type, version and hops repeated as headers so tools and guards can route or
 * refuse a record without parsing its value.
 */
export function toKafkaMessage(envelope: Envelope): OutgoingRecord {
  return toKafkaMessageWith(envelope, JSON.stringify(envelope));
}

/**
 * The same record, with the envelope's JSON already made (text or bytes): ingest measures each event on
 * the bytes it then sends, and serializes it once.
 */
export function toKafkaMessageWith(envelope: Envelope, json: string | Buffer): OutgoingRecord {
  return {
    key: envelope.key,
    value: json,
    headers: {
      id: envelope.id,
      type: envelope.type,
      version: String(envelope.version),
      hops: String(envelope.hops),
      'correlation-id': envelope.correlationId,
    },
  };
}
