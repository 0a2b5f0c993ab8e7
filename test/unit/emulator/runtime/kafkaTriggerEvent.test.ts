import fc from 'fast-check';
import {
  chunkRecords,
  consumedRecordSize,
  kafkaTriggerEventJson,
  MAX_PAYLOAD_BYTES,
  toKafkaTriggerEvent,
  toKafkaTriggerRecord,
  triggerRecordSize,
} from '../../../../emulator/runtime/kafkaTriggerEvent';
import type { ConsumedRecord } from '../../../../shared/kafka/KafkaPort';
import type { KafkaTriggerRecord } from '../../../../shared/triggers/kafka/KafkaTriggerEvent';

/**
 * The `aws:kafka` event the local MSK mapping invokes a function with, against the example event AWS
 * documents (https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html, "Example event"; the same
 * example is Powertools' KafkaMskEvent schema fixture), and the batching decisions before each invoke.
 * The cases of test/unit/runtime/kafkaTriggerEvent.test.ts (signed header bytes, repeated and
 * `__proto__` headers, tombstones, the basic cut) stay there until the move.
 */
const DOCUMENTED_ARN = 'arn:aws:kafka:us-east-1:0123456789019:cluster/SalesCluster/abcd1234-abcd-cafe-abab-9876543210ab-4';
const DOCUMENTED_BOOTSTRAP = 'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092,b-1.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092';

/** The documented example event, as AWS shows it. */
const DOCUMENTED_EVENT = {
  eventSource: 'aws:kafka',
  eventSourceArn: DOCUMENTED_ARN,
  bootstrapServers: DOCUMENTED_BOOTSTRAP,
  records: {
    'mytopic-0': [
      {
        topic: 'mytopic',
        partition: 0,
        offset: 15,
        timestamp: 1545084650987,
        timestampType: 'CREATE_TIME',
        key: 'cmVjb3JkS2V5',
        value: 'eyJrZXkiOiJ2YWx1ZSJ9',
        headers: [{ headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] }],
      },
    ],
  },
};

const consumed = (offset: number, value: string | null = 'v', key: string | null = 'k', headers: ConsumedRecord['headers'] = []): ConsumedRecord => ({
  offset: BigInt(offset),
  timestamp: 1700000000000n,
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  headers,
});

describe('toKafkaTriggerEvent', () => {
  it('should build exactly the event AWS documents for the same record', () => {
    // prepare: the record behind the documented example
    const record = consumed(15, '{"key":"value"}', 'recordKey', [['headerKey', Buffer.from('headerValue')]]);

    // act
    const event = toKafkaTriggerEvent(DOCUMENTED_ARN, DOCUMENTED_BOOTSTRAP, [toKafkaTriggerRecord('mytopic', 0, { ...record, timestamp: 1545084650987n })]);

    // assess: same fields, values and nesting, nothing more (a JSON round trip, as Lambda serialises it)
    expect(JSON.parse(JSON.stringify(event))).toEqual(DOCUMENTED_EVENT);
  });

  it('should key records by topic and partition, keeping each partition in offset order', () => {
    // prepare
    const records = [
      toKafkaTriggerRecord('orders', 1, consumed(7)),
      toKafkaTriggerRecord('orders', 0, consumed(3)),
      toKafkaTriggerRecord('orders', 1, consumed(8)),
      toKafkaTriggerRecord('orders-1', 0, consumed(1)),
    ];

    // act
    const event = toKafkaTriggerEvent('arn', 'b:1', records);

    // assess: 'orders-1' partition 0 and 'orders' partition 1 are told apart only by the full key
    expect(Object.keys(event.records).sort()).toEqual(['orders-0', 'orders-1', 'orders-1-0']);
    expect(event.records['orders-1']?.map((r) => r.offset)).toEqual([7, 8]);
    expect(event.records['orders-1-0']?.map((r) => r.topic)).toEqual(['orders-1']);
  });

  it('should send a null key as null, as AWS does for a record without one', () => {
    expect(toKafkaTriggerRecord('t', 0, consumed(1, 'v', null)).key).toBeNull();
  });
});

describe('chunkRecords', () => {
  const records = (count: number, valueBytes = 10): KafkaTriggerRecord[] => Array.from({ length: count }, (_, i) => toKafkaTriggerRecord('t', 0, consumed(i, 'x'.repeat(valueBytes))));
  const offsetsOf = (chunks: KafkaTriggerRecord[][]) => chunks.map((chunk) => chunk.map((r) => r.offset));

  it('should keep every record once, in order, across the chunks', () => {
    const all = records(23);
    expect(chunkRecords(all, 5, MAX_PAYLOAD_BYTES, triggerRecordSize).flat()).toEqual(all);
  });

  it('should give one chunk for a batch within batchSize, and none for no records', () => {
    expect(offsetsOf(chunkRecords(records(3), 100, MAX_PAYLOAD_BYTES, triggerRecordSize))).toEqual([[0, 1, 2]]);
    expect(chunkRecords([], 100, MAX_PAYLOAD_BYTES, triggerRecordSize)).toEqual([]);
  });

  it('should give a batchSize of 1 one record per invocation', () => {
    expect(offsetsOf(chunkRecords(records(3), 1, MAX_PAYLOAD_BYTES, triggerRecordSize))).toEqual([[0], [1], [2]]);
  });

  it('should send a record larger than the payload limit alone rather than drop it or block its partition', () => {
    // prepare
    const big = toKafkaTriggerRecord('t', 0, consumed(1, 'x'.repeat(2_000)));
    const before = toKafkaTriggerRecord('t', 0, consumed(0));
    const after = toKafkaTriggerRecord('t', 0, consumed(2));

    // act
    const chunks = chunkRecords([before, big, after], 100, 1_000, triggerRecordSize);

    // assess
    expect(offsetsOf(chunks)).toEqual([[0], [1], [2]]);
    expect(chunks[1]).toEqual([big]);
  });

  it('should count keys and headers towards the payload limit, not only values', () => {
    // prepare: same values; the second pair carries a large key and many headers
    const plain = records(2, 100);
    const heavy = [0, 1].map((i) =>
      toKafkaTriggerRecord(
        't',
        0,
        consumed(
          i,
          'x'.repeat(100),
          'k'.repeat(400),
          Array.from({ length: 10 }, (_, h): [string, Buffer] => [`h${h}`, Buffer.from('v')]),
        ),
      ),
    );

    // assess: a limit that holds the two plain records does not hold the two heavy ones
    expect(chunkRecords(plain, 100, 1_000, triggerRecordSize)).toHaveLength(1);
    expect(chunkRecords(heavy, 100, 1_000, triggerRecordSize)).toHaveLength(2);
  });

  it('should weigh a consumed record exactly as the Lambda record made from it, so cutting before making them cuts the same invocations', () => {
    const bytes = fc.option(
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      { nil: null },
    );
    fc.assert(
      fc.property(
        bytes,
        bytes,
        fc.array(
          fc.tuple(
            fc.string({ maxLength: 8 }),
            fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
          ),
          { maxLength: 5 },
        ),
        (value, key, headers) => {
          const record: ConsumedRecord = { offset: 1n, timestamp: 2n, key, value, headers };
          expect(consumedRecordSize(record)).toBe(triggerRecordSize(toKafkaTriggerRecord('t', 0, record)));
        },
      ),
    );
    const sample = Array.from({ length: 9 }, (_, i) => consumed(i, 'x'.repeat(37 * i), i % 2 === 0 ? null : 'key'));
    expect(offsetsOf(chunkRecords(sample, 4, 1_500, consumedRecordSize).map((chunk) => chunk.map((r) => toKafkaTriggerRecord('t', 0, r))))).toEqual(
      offsetsOf(
        chunkRecords(
          sample.map((r) => toKafkaTriggerRecord('t', 0, r)),
          4,
          1_500,
          triggerRecordSize,
        ),
      ),
    );
  });
});

describe('kafkaTriggerEventJson', () => {
  const buffer = fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a));
  // Header names a hand-written JSON writer could get wrong: prototype keys, escapes, non-ASCII, lone surrogates, empty.
  const headerName = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'é', 'Ünïcode-名前', '😀', '"quoted"', 'back\\slash', 'line\nbreak', '\u0000', '\u2028', '\ud800', '\udfff'),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const record = fc.record({
    offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
    timestamp: fc.bigInt({ min: -1n, max: 2n ** 53n }),
    key: fc.option(buffer, { nil: null }),
    value: fc.option(buffer, { nil: null }),
    // A null header value reaches the mapping as no bytes (fetchedRecords), so empty buffers stand for it.
    headers: fc.array(fc.tuple(headerName, fc.oneof(buffer, fc.constant(Buffer.alloc(0)))), { maxLength: 6 }),
  });

  it('should write exactly the text JSON.stringify makes of toKafkaTriggerEvent for the same records', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 16 }),
        fc.nat({ max: 2 ** 31 - 1 }),
        fc.string({ unit: 'binary', maxLength: 16 }),
        fc.string({ maxLength: 16 }),
        fc.array(record, { maxLength: 8 }),
        (topic, partition, arn, bootstrap, records) => {
          const expected = JSON.stringify(
            toKafkaTriggerEvent(
              arn,
              bootstrap,
              records.map((r) => toKafkaTriggerRecord(topic, partition, r)),
            ),
          );
          expect(kafkaTriggerEventJson(arn, bootstrap, topic, partition, records)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should write the documented example event, its header bytes signed and a __proto__ header kept as a header', () => {
    // prepare
    const record = consumed(15, '{"key":"value"}', 'recordKey', [
      ['headerKey', Buffer.from('headerValue')],
      ['__proto__', Buffer.from([0xff, 0x80, 0x7f, 0])],
    ]);

    // act
    const parsed = JSON.parse(kafkaTriggerEventJson(DOCUMENTED_ARN, DOCUMENTED_BOOTSTRAP, 'mytopic', 0, [{ ...record, timestamp: 1545084650987n }])) as typeof DOCUMENTED_EVENT;

    // assess
    const [first] = DOCUMENTED_EVENT.records['mytopic-0'];
    expect(parsed).toEqual({ ...DOCUMENTED_EVENT, records: { 'mytopic-0': [{ ...first, headers: [...(first?.headers ?? []), JSON.parse('{"__proto__":[-1,-128,127,0]}')] }] } });
    expect(Object.getOwnPropertyNames(parsed.records['mytopic-0'][0]?.headers[1])).toEqual(['__proto__']);
  });

  it('should write the same text for an event larger than the buffer it keeps between texts, and for the small ones before and after it', () => {
    // prepare: 3 MB of values, past the buffer's 64 KB start and the 1 MB it keeps; a non-ASCII header name before an ASCII-only event
    const big = Array.from({ length: 3 }, (_, i) => consumed(i, 'x'.repeat(1024 * 1024 + i), 'k', [['名前', Buffer.from([1, 255])]]));
    const small = [consumed(7, 'v', 'k', [['id', Buffer.from('abc')]])];
    const expectedOf = (records: ConsumedRecord[]) =>
      JSON.stringify(
        toKafkaTriggerEvent(
          'arn',
          'b:9092',
          records.map((r) => toKafkaTriggerRecord('t', 1, r)),
        ),
      );

    // act
    const texts = [small, big, small].map((records) => kafkaTriggerEventJson('arn', 'b:9092', 't', 1, records));

    // assess
    expect(texts).toEqual([expectedOf(small), expectedOf(big), expectedOf(small)]);
  });

  it('should write header names too long to keep (from any producer) as JSON.stringify does, each time', () => {
    // prepare: names past the kept length, one of them non-ASCII and one ending in a lone surrogate
    const names = ['n'.repeat(100_000), 'é'.repeat(129), `${'x'.repeat(200)}\ud800`];
    const records = names.map((name, i) => consumed(i, 'v', 'k', [[name, Buffer.from([i, 200])]]));
    const expected = JSON.stringify(
      toKafkaTriggerEvent(
        'arn',
        'b:9092',
        records.map((r) => toKafkaTriggerRecord('t', 0, r)),
      ),
    );

    // act, twice: the second time finds nothing kept for them
    const texts = [1, 2].map(() => kafkaTriggerEventJson('arn', 'b:9092', 't', 0, records));

    // assess
    expect(texts).toEqual([expected, expected]);
  });

  it('should write an event with no records as an empty records object', () => {
    expect(kafkaTriggerEventJson('arn', 'b:9092', 't', 0, [])).toBe(JSON.stringify(toKafkaTriggerEvent('arn', 'b:9092', [])));
  });
});
