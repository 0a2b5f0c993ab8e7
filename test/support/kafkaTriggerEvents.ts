import type { KafkaMessage } from 'kafkajs';
import { toKafkaTriggerEvent, toKafkaTriggerRecord } from '../../local/runtime/kafkaTriggerEvent';
import type { Envelope } from '../../shared/envelope/envelope';
import { toKafkaMessage } from '../../shared/envelope/toKafkaMessage';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../shared/triggers/kafka/KafkaTriggerEvent';

let nextOffset = 1_000;

/** The aws:kafka record MSK would deliver for this envelope (or for raw bytes, to test bad records). */
export function kafkaRecordOf(topic: string, value: Envelope | string | null, partition = 0): KafkaTriggerRecord {
  const message = typeof value === 'object' && value !== null ? toKafkaMessage(value) : { key: 'raw-key', value, headers: {} };
  const kafkaMessage = {
    key: message.key === null || message.key === undefined ? null : Buffer.from(String(message.key)),
    value: message.value === null || message.value === undefined ? null : Buffer.from(String(message.value)),
    headers: (message.headers ?? {}) as KafkaMessage['headers'],
    timestamp: String(Date.now()),
    offset: String(nextOffset++),
    attributes: 0,
    size: 0,
  } as KafkaMessage;
  return toKafkaTriggerRecord(topic, partition, kafkaMessage);
}

export function kafkaEventOf(records: KafkaTriggerRecord[]): KafkaTriggerEvent {
  return toKafkaTriggerEvent('arn:aws:kafka:local:000000000000:cluster/test/test', '127.0.0.1:9092', records);
}
