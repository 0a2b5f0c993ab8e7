import { NumericMap, produceV11, type MessageRecord } from '@platformatic/kafka';
import fc from 'fast-check';
import { encodeProduceRequestV11, type Bytes, type ProducedRecord } from '../../../../shared/kafka/produceRequestV11';

const buffer = (maxLength: number) => fc.uint8Array({ maxLength }).map((array) => Buffer.from(array));
/** Text too, as the producer hands it over: ASCII (written in JavaScript up to 64 characters), any UTF-16 (lone surrogates included), long. */
const text = (maxLength: number) =>
  fc.oneof(fc.string({ unit: 'binary-ascii', maxLength }), fc.string({ unit: 'binary', maxLength }), fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\ud800', '\udc00'), maxLength }));
const bytes = (maxLength: number): fc.Arbitrary<Bytes> => fc.oneof(buffer(maxLength), text(maxLength));
const NOW = 1_765_000_000_000n;

/** Records as the client hands them to its Produce API: bytes, a partition already chosen, a timestamp or none. */
const messageRecord = fc.record(
  {
    topic: fc.constantFrom('sessions', 'activity', 'orders-é'),
    partition: fc.integer({ min: 0, max: 11 }),
    key: bytes(40),
    // Large values too: lengths whose varints take three bytes.
    value: fc.oneof(
      bytes(600),
      fc.tuple(fc.integer({ min: 16_384, max: 300_000 }), fc.integer({ min: 0, max: 255 })).map(([length, fill]) => Buffer.alloc(length, fill)),
    ),
    headers: fc.array(fc.tuple(bytes(12), bytes(90)), { maxLength: 6 }).map((entries) => new Map(entries)),
    // Within 2^30 ms of each other: the client's 64-bit zigzag (dynamic-buffer 0.3.1, `value >> 31n`) and its
    // varint loop (a 32-bit mask) are wrong past 2^31; ours follow the spec there. A batch's records share one `now`.
    timestamp: fc.bigInt({ min: NOW - (1n << 29n), max: NOW + (1n << 29n) }),
  },
  { requiredKeys: ['topic', 'value'] },
);

const options = fc.record({
  producerId: fc.bigInt({ min: -1n, max: (1n << 63n) - 1n }),
  producerEpoch: fc.integer({ min: 0, max: 32_767 }),
  sequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  transactionalId: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  partitionLeaderEpoch: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
});

const copies = (messages: ProducedRecord[]): ProducedRecord[] => messages.map((m) => ({ ...m }));
const asBuffer = (data: Bytes): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
/** What the client's encoder takes: bytes only, texts made into Buffers as Buffer.from does. */
const asClientRecords = (messages: ProducedRecord[]): MessageRecord[] =>
  messages.map((m) => ({
    ...m,
    ...(typeof m.key === 'string' ? { key: asBuffer(m.key) } : {}),
    ...(typeof m.value === 'string' ? { value: asBuffer(m.value) } : {}),
    ...(m.headers === undefined ? {} : { headers: new Map([...m.headers].map(([name, value]) => [asBuffer(name), asBuffer(value)])) }),
  })) as MessageRecord[];

describe('encodeProduceRequestV11', () => {
  it("should write the same bytes as the client's own Produce v11 request, for any records, text written as Buffer.from would make it", () => {
    // Records without a timestamp are stamped with the time of the request: the same time for both.
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Number(NOW));
    fc.assert(
      fc.property(fc.array(messageRecord, { minLength: 1, maxLength: 40 }), options, fc.constantFrom(-1, 0, 1), (messages, o, acks) => {
        const sequences = new NumericMap();
        for (const { topic, partition } of messages) sequences.set(`${topic}:${partition ?? 0}`, o.sequence);
        const batchOptions = { producerId: o.producerId, producerEpoch: o.producerEpoch, sequences, transactionalId: o.transactionalId, partitionLeaderEpoch: o.partitionLeaderEpoch };
        const ours = encodeProduceRequestV11(acks, 30_000, copies(messages), batchOptions);
        const theirs = produceV11.createRequest(acks, 30_000, asClientRecords(messages), batchOptions).buffer;
        expect(ours.equals(theirs)).toBe(true);
      }),
      { numRuns: 300 },
    );
    clock.mockRestore();
  });

  it('should stamp records without a timestamp with the time of the request, as the client does, and keep it on the record for a retry', () => {
    const message: MessageRecord = { topic: 'sessions', value: Buffer.from('{}'), key: Buffer.from('k') };
    const before = BigInt(Date.now());
    const first = encodeProduceRequestV11(-1, 1_000, [message], { producerId: 7n, producerEpoch: 0, sequences: new NumericMap() });
    expect(message.timestamp).toBeGreaterThanOrEqual(before);
    expect(message.partition).toBe(0);
    const again = encodeProduceRequestV11(-1, 1_000, [message], { producerId: 7n, producerEpoch: 0, sequences: new NumericMap() });
    expect(again.equals(first)).toBe(true);
    expect(first.equals(produceV11.createRequest(-1, 1_000, [{ ...message }], { producerId: 7n, producerEpoch: 0, sequences: new NumericMap() }).buffer)).toBe(true);
  });

  it('should write a null key, a null value and no headers as the client does', () => {
    const message = { topic: 'activity', partition: 3, timestamp: NOW } as unknown as MessageRecord;
    const options = { producerId: 1n, producerEpoch: 2, sequences: new NumericMap([['activity:3', 41]]) };
    expect(encodeProduceRequestV11(-1, 5, [{ ...message }], options).equals(produceV11.createRequest(-1, 5, [{ ...message }], options).buffer)).toBe(true);
  });
});
