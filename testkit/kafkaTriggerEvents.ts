import { toKafkaTriggerEvent, toKafkaTriggerRecord } from '../emulator/runtime/kafkaTriggerEvent';
import { asConsumedRecord } from '../shared/kafka/asConsumedRecord';
import type { Envelope } from '../shared/envelope/envelope';
import { toKafkaMessage } from '../shared/envelope/toKafkaMessage';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../shared/triggers/kafka/KafkaTriggerEvent';

let nextOffset = 1_000;

/** The aws:kafka record MSK would deliver for this envelope (or for raw bytes, to test bad records). */
export function kafkaRecordOf(topic: string, value: Envelope | string | null, partition = 0): KafkaTriggerRecord {
  const message = typeof value === 'object' && value !== null ? toKafkaMessage(value) : { key: 'raw-key', value, headers: {} };
  const record = asConsumedRecord(message, BigInt(nextOffset++), BigInt(Date.now()));
  return toKafkaTriggerRecord(topic, partition, record);
}

export function kafkaEventOf(records: KafkaTriggerRecord[]): KafkaTriggerEvent {
  return toKafkaTriggerEvent('arn:aws:kafka:local:000000000000:cluster/test/test', '127.0.0.1:9092', records);
}
