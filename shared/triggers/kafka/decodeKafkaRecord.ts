import { decodeBase64 } from './decodeBase64';
import { decodeKafkaHeaders } from './decodeKafkaHeaders';
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

export function decodeKafkaRecord(raw: KafkaTriggerRecord): ConsumedRecord {
  if (raw === null || typeof raw !== 'object') throw new InvalidRecordError('record', 'not an object');
  if (typeof raw.topic !== 'string') throw new InvalidRecordError('topic', 'missing');
  if (!Number.isInteger(raw.partition) || !Number.isInteger(raw.offset)) {
    throw new InvalidRecordError('offset', 'partition and offset must be integers');
  }
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
