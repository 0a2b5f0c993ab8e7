import type { OutgoingRecord } from '../kafka/KafkaPort';
import type { RejectedRecord } from '../middleware/batch/RecordBatch';
import { decodeBase64 } from '../triggers/kafka/decodeBase64';
import { decodeKafkaHeaders } from '../triggers/kafka/decodeKafkaHeaders';
import type { KafkaTriggerRecord } from '../triggers/kafka/KafkaTriggerEvent';

/** Bytes as they came if they decode, else the text exactly as AWS delivered it: a dead letter loses nothing. */
function bytesOrText(field: string, text: string | null | undefined): Buffer | string | null {
  try {
    return decodeBase64(field, text);
  } catch {
    return typeof text === 'string' ? text : JSON.stringify(text);
  }
}

/**
 * The dead-letter record of a rejected Kafka record: its key, value and headers untouched, plus
 * `dlt-*` headers saying why, where (topic, partition, offset) and by whom it was refused. Keyed like
 * the original, so the dead letters of one key stay in order.
 */
export function toKafkaDeadLetter(rejected: RejectedRecord<KafkaTriggerRecord>, consumer: string, now = new Date()): OutgoingRecord {
  // The refused record as it came: it may be the very thing that was malformed, so nothing in it is taken on trust.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- see above
  const raw = rejected.source ?? ({} as KafkaTriggerRecord);
  let headers: Record<string, Buffer | string> = {};
  try {
    headers = { ...decodeKafkaHeaders(raw.headers) };
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- headers missing from a malformed record
    headers['dlt-original-headers'] = JSON.stringify(raw.headers ?? null);
  }
  return {
    key: bytesOrText('key', raw.key),
    value: bytesOrText('value', raw.value),
    headers: {
      ...headers,
      'dlt-reason': rejected.reason.slice(0, 2000),
      'dlt-stage': rejected.stage,
      'dlt-consumer': consumer,
      'dlt-source': `${raw.topic}-${raw.partition}@${raw.offset}`,
      'dlt-time': now.toISOString(),
    },
  };
}
