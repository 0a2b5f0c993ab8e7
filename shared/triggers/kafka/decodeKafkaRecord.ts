import { checkBase64, decodeBase64, decodeBase64Text } from './decodeBase64';
import { checkKafkaHeaders, decodeKafkaHeaders } from './decodeKafkaHeaders';
import { InvalidRecordError } from './InvalidRecordError';
import type { KafkaTriggerRecord } from './KafkaTriggerEvent';

/** A Kafka record with its bytes decoded; `raw` is kept so a dead letter can carry it untouched. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  /** null for a tombstone. */
  value: Buffer | null;
  headers: Record<string, Buffer>;
  raw: KafkaTriggerRecord;
}

function checkRecordPosition(raw: KafkaTriggerRecord): void {
  // The record as delivered, which a hand-written or broken event may not make an object.
  const delivered: unknown = raw;
  if (delivered === null || typeof delivered !== 'object') throw new InvalidRecordError('record', 'not an object');
  if (typeof raw.topic !== 'string') throw new InvalidRecordError('topic', 'missing');
  if (!Number.isInteger(raw.partition) || !Number.isInteger(raw.offset)) {
    throw new InvalidRecordError('offset', 'partition and offset must be integers');
  }
}

export function decodeKafkaRecord(raw: KafkaTriggerRecord): ConsumedRecord {
  checkRecordPosition(raw);
  return {
    topic: raw.topic,
    partition: raw.partition,
    offset: raw.offset,
    timestamp: raw.timestamp,
    key: decodeBase64('key', raw.key),
    value: decodeBase64('value', raw.value),
    headers: decodeKafkaHeaders(raw.headers),
    raw,
  };
}

/**
 * Only the value of a record as UTF-8 text (null for a tombstone), after every check decodeKafkaRecord
 * makes, in the same order and with the same errors, so a record one refuses the other refuses too. For
 * the batch decoding, which reads the envelope's JSON from this text and never the key or headers: their
 * buffers were per-record garbage (decoding the headers alone was 5% of the projection profile), and so
 * was the value's own Buffer (decodeBase64Text reads the text without one).
 */
export function decodeKafkaRecordText(raw: KafkaTriggerRecord): string | null {
  checkRecordPosition(raw);
  checkBase64('key', raw.key);
  const value = decodeBase64Text('value', raw.value);
  checkKafkaHeaders(raw.headers);
  return value;
}
