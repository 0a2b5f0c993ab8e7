import type { ConsumedRecord, OutgoingRecord } from './KafkaPort';

const bytes = (data: string | Buffer): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/**
 * A record as a consumer reads it back once Kafka stored it at `offset`: strings become their UTF-8
 * bytes, as the producer sends them. For the sample events and tests that build trigger events
 * without a broker.
 */
export function asConsumedRecord(record: OutgoingRecord, offset: bigint, timestamp: bigint): ConsumedRecord {
  return {
    offset,
    timestamp,
    key: record.key === null ? null : bytes(record.key),
    value: record.value === null ? null : bytes(record.value),
    headers: Object.entries(record.headers).map(([name, value]) => [name, bytes(value)] as const),
  };
}
