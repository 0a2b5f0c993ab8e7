import type { KafkaMessage } from 'kafkajs';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../shared/triggers/kafka/KafkaTriggerEvent';

/** Java's signed bytes, as the Lambda service serialises Kafka header values. */
const toSignedBytes = (value: Buffer | string): number[] => Array.from(typeof value === 'string' ? Buffer.from(value) : value, (b) => (b > 127 ? b - 256 : b));

export function toKafkaTriggerRecord(topic: string, partition: number, message: KafkaMessage): KafkaTriggerRecord {
  const headers: Array<Record<string, number[]>> = [];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.push({ [name]: toSignedBytes(one) });
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType: 'CREATE_TIME',
    key: message.key === null ? null : message.key.toString('base64'),
    value: message.value === null ? null : message.value.toString('base64'),
    headers,
  };
}

/** The `aws:kafka` event of one batch: records keyed `<topic>-<partition>`, bytes base64, as MSK delivers them. */
export function toKafkaTriggerEvent(eventSourceArn: string, bootstrapServers: string, records: KafkaTriggerRecord[]): KafkaTriggerEvent {
  const grouped: Record<string, KafkaTriggerRecord[]> = {};
  for (const record of records) (grouped[`${record.topic}-${record.partition}`] ??= []).push(record);
  return { eventSource: 'aws:kafka', eventSourceArn, bootstrapServers, records: grouped };
}

/** Lambda's invocation payload limit: a batch is cut before it would pass it, whatever batchSize says. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export function chunkRecords(records: KafkaTriggerRecord[], batchSize: number, maxBytes = MAX_PAYLOAD_BYTES): KafkaTriggerRecord[][] {
  const chunks: KafkaTriggerRecord[][] = [];
  let current: KafkaTriggerRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = (record.value?.length ?? 0) + (record.key?.length ?? 0) + 200 + record.headers.length * 64;
    if (current.length > 0 && (current.length >= batchSize || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
