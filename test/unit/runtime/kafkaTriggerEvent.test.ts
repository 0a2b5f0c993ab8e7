import type { KafkaMessage } from 'kafkajs';
import { chunkRecords, toKafkaTriggerEvent, toKafkaTriggerRecord } from '../../../local/runtime/kafkaTriggerEvent';
import { decodeKafkaRecord } from '../../../shared/triggers/kafka/decodeKafkaRecord';

const message = (offset: number, value: string | null) => ({
  key: Buffer.from('k'), value: value === null ? null : Buffer.from(value), headers: { name: Buffer.from('café') },
  timestamp: '1700000000000', offset: String(offset), attributes: 0,
}) as KafkaMessage;

describe('toKafkaTriggerRecord / toKafkaTriggerEvent', () => {
  it('should build the aws:kafka shape with signed header bytes that decode back', () => {
    const record = toKafkaTriggerRecord('orders', 3, message(15, 'v'));
    expect(record).toMatchObject({ topic: 'orders', partition: 3, offset: 15, timestamp: 1700000000000, key: 'aw==', value: 'dg==' });
    expect(record.headers).toEqual([{ name: [99, 97, 102, -61, -87] }]);
    expect(decodeKafkaRecord(record).headers.name?.toString()).toBe('café');
    expect(toKafkaTriggerEvent('arn', 'b:1', [record]).records).toEqual({ 'orders-3': [record] });
  });

  it('should keep a tombstone as a null value', () => {
    expect(toKafkaTriggerRecord('t', 0, message(1, null)).value).toBeNull();
  });
});

describe('chunkRecords', () => {
  it('should cut at batchSize and before the payload limit', () => {
    const records = Array.from({ length: 5 }, (_, i) => toKafkaTriggerRecord('t', 0, message(i, 'x'.repeat(300))));
    expect(chunkRecords(records, 2).map((c) => c.length)).toEqual([2, 2, 1]);
    expect(chunkRecords(records, 100, 1500).map((c) => c.length)).toEqual([2, 2, 1]);
  });
});
