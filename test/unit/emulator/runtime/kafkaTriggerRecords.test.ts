import type { ConsumedRecord } from '../../../../shared/kafka/KafkaPort';
import { chunkRecords, MAX_PAYLOAD_BYTES, toKafkaTriggerEvent, toKafkaTriggerRecord, triggerRecordSize } from '../../../../emulator/runtime/kafkaTriggerEvent';
import { decodeKafkaRecord } from '../../../../shared/triggers/kafka/decodeKafkaRecord';

const message = (offset: number, value: string | null, headers: ConsumedRecord['headers'] = [['name', Buffer.from('café')]]): ConsumedRecord => ({
  key: Buffer.from('k'),
  value: value === null ? null : Buffer.from(value),
  headers,
  timestamp: 1700000000000n,
  offset: BigInt(offset),
});

describe('toKafkaTriggerRecord / toKafkaTriggerEvent', () => {
  it('should build the aws:kafka shape with signed header bytes that decode back', () => {
    const record = toKafkaTriggerRecord('orders', 3, message(15, 'v'));
    expect(record).toMatchObject({ topic: 'orders', partition: 3, offset: 15, timestamp: 1700000000000, key: 'aw==', value: 'dg==' });
    expect(record.headers).toEqual([{ name: [99, 97, 102, -61, -87] }]);
    expect(decodeKafkaRecord(record).headers.name?.toString()).toBe('café');
    expect(toKafkaTriggerEvent('arn', 'b:1', [record]).records).toEqual({ 'orders-3': [record] });
  });

  it("should deliver a repeated header name once per value, in the record's order", () => {
    const record = toKafkaTriggerRecord(
      't',
      0,
      message(2, 'v', [
        ['a', Buffer.from([1])],
        ['b', Buffer.from([2])],
        ['a', Buffer.from([255])],
      ]),
    );
    expect(record.headers).toEqual([{ a: [1] }, { b: [2] }, { a: [-1] }]);
  });

  it('should keep a header named __proto__ as a header, not a prototype', () => {
    const [header] = toKafkaTriggerRecord('t', 0, message(3, 'v', [['__proto__', Buffer.from([7])]])).headers;
    expect(Object.keys(header ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(header)).toBe(Object.prototype);
  });

  it('should keep a tombstone as a null value', () => {
    expect(toKafkaTriggerRecord('t', 0, message(1, null)).value).toBeNull();
  });
});

describe('chunkRecords', () => {
  it('should cut at batchSize and before the payload limit', () => {
    const records = Array.from({ length: 5 }, (_, i) => toKafkaTriggerRecord('t', 0, message(i, 'x'.repeat(300))));
    expect(chunkRecords(records, 2, MAX_PAYLOAD_BYTES, triggerRecordSize).map((c) => c.length)).toEqual([2, 2, 1]);
    expect(chunkRecords(records, 100, 1500, triggerRecordSize).map((c) => c.length)).toEqual([2, 2, 1]);
  });
});
