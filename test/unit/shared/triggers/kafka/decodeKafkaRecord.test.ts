import { decodeKafkaHeaders } from '../../../../../shared/triggers/kafka/decodeKafkaHeaders';
import { decodeKafkaRecord } from '../../../../../shared/triggers/kafka/decodeKafkaRecord';
import { InvalidRecordError } from '../../../../../shared/triggers/kafka/InvalidRecordError';
import type { KafkaTriggerRecord } from '../../../../../shared/triggers/kafka/KafkaTriggerEvent';

const record = (over: Partial<KafkaTriggerRecord>): KafkaTriggerRecord => ({
  topic: 't',
  partition: 1,
  offset: 7,
  timestamp: 1,
  timestampType: 'CREATE_TIME',
  key: 'aw==',
  value: 'eyJhIjoxfQ==',
  headers: [],
  ...over,
});

describe('decodeKafkaHeaders', () => {
  it('should restore non-ASCII text from signed bytes', () => {
    // "é" is 0xC3 0xA9, which Java serialises as -61 -87.
    const headers = decodeKafkaHeaders([{ name: [99, 97, 102, -61, -87] }, { hops: [49] }]);
    expect(headers.name?.toString('utf8')).toBe('café');
    expect(headers.hops?.toString()).toBe('1');
  });

  it('should refuse bytes out of range and malformed headers', () => {
    expect(() => decodeKafkaHeaders([{ x: [300] }])).toThrow(InvalidRecordError);
    expect(() => decodeKafkaHeaders([{ x: 'abc' }])).toThrow('bytes must be a list');
    expect(() => decodeKafkaHeaders({})).toThrow('not a list');
  });
});

describe('decodeKafkaRecord', () => {
  it('should decode base64 key and value', () => {
    const decoded = decodeKafkaRecord(record({}));
    expect(decoded.key?.toString()).toBe('k');
    expect(decoded.value?.toString()).toBe('{"a":1}');
  });

  it('should keep null keys and tombstones as null', () => {
    const decoded = decodeKafkaRecord(record({ key: null, value: null }));
    expect(decoded.key).toBeNull();
    expect(decoded.value).toBeNull();
  });

  it('should refuse invalid base64 instead of decoding it to other bytes', () => {
    expect(() => decodeKafkaRecord(record({ value: 'not base64!' }))).toThrow('value: not valid base64');
    expect(() => decodeKafkaRecord(record({ key: 'abc' }))).toThrow('key: not valid base64');
  });
});
