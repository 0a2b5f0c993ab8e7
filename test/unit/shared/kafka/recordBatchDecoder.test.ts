import { createRecordsBatch, IS_CONTROL, Reader, readRecordsBatches, type MessageRecord } from '@platformatic/kafka';
import fc from 'fast-check';
import { HeaderNames } from '../../../../shared/kafka/fetchedRecords';
import { decodeRecords, readRecordBatches } from '../../../../shared/kafka/recordBatchDecoder';

interface Sample {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[Buffer, Buffer | null]>;
  timestamp: bigint;
}

/** Record batch bytes as Kafka stores and serves them (the client's own encoder), at `firstOffset`. */
function batchBytes(samples: Sample[], firstOffset: bigint, options: { compression?: 'gzip' } = {}): Buffer {
  // The client's encoder takes headers as a Map (one value per name; it reads `size` and iterates the
  // entries): a list with a size gives repeated names too, as Kafka allows.
  const messages = samples.map((s) => ({
    topic: 't',
    key: s.key,
    value: s.value,
    headers: Object.assign([...s.headers], { size: s.headers.length }),
    timestamp: s.timestamp,
  })) as unknown as MessageRecord[];
  const bytes = Buffer.from(createRecordsBatch(messages, { partitionLeaderEpoch: 4, ...options }).buffer);
  bytes.writeBigInt64BE(firstOffset, 0);
  return bytes;
}

/** What the client's parser reads, in ConsumedRecord terms (null header values as no bytes). */
function clientReading(bytes: Buffer) {
  return readRecordsBatches(Reader.from(bytes)).flatMap((batch) =>
    batch.records.map((r) => ({
      offset: batch.firstOffset + BigInt(r.offsetDelta),
      timestamp: batch.firstTimestamp + r.timestampDelta,
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: r.headers.map(([name, value]) => [name?.toString('utf8') ?? '', Buffer.from(value ?? [])]),
    })),
  );
}

function decoderReading(bytes: Buffer) {
  const names = new HeaderNames();
  return readRecordBatches(bytes).flatMap((batch) =>
    (batch.encoded === undefined ? [] : decodeRecords(batch.encoded, names, 0n)).map((r) => ({
      ...r,
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: r.headers.map(([name, value]) => [name, Buffer.from(value)]),
    })),
  );
}

const bytesOrNull = fc.option(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  { nil: null },
);
const sample = fc.record({
  key: bytesOrNull,
  value: bytesOrNull,
  headers: fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom('type', 'id', 'hops', 'naïve', ''), fc.string({ maxLength: 20 })).map((s) => Buffer.from(s, 'utf8')),
      bytesOrNull,
    ),
    { maxLength: 6 },
  ),
  timestamp: fc.bigInt({ min: 0n, max: 4_000_000_000_000n }),
});

describe('readRecordBatches and decodeRecords', () => {
  it("should read every record exactly as the client's own parser does (offsets, timestamps, keys, values, headers in order)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(sample, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (batches, start) => {
        let offset = start;
        const bytes = Buffer.concat(
          batches.map((samples) => {
            const b = batchBytes(samples, offset);
            offset += BigInt(samples.length);
            return b;
          }),
        );
        expect(decoderReading(bytes)).toEqual(clientReading(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("should keep each batch's header fields, which the client's stream reads to move its offsets on, and leave its records list empty", () => {
    const bytes = batchBytes(
      [
        { key: null, value: Buffer.from('a'), headers: [], timestamp: 5n },
        { key: null, value: Buffer.from('b'), headers: [], timestamp: 9n },
      ],
      40n,
    );
    const [client] = readRecordsBatches(Reader.from(bytes));
    const [decoded] = readRecordBatches(bytes);
    expect({ ...decoded, encoded: undefined }).toEqual({ ...client, records: [], encoded: undefined });
    expect(decodeRecords(decoded?.encoded ?? Buffer.alloc(0), new HeaderNames(), 0n).map((r) => r.offset)).toEqual([40n, 41n]);
    expect(decodeRecords(decoded?.encoded ?? Buffer.alloc(0), new HeaderNames(), 41n).map((r) => r.value?.toString())).toEqual(['b']);
  });

  it('should leave a batch cut short at the end of the response for the next fetch, as the client does', () => {
    const whole = batchBytes([{ key: null, value: Buffer.from('first'), headers: [], timestamp: 1n }], 0n);
    const next = batchBytes([{ key: null, value: Buffer.from('second'), headers: [], timestamp: 1n }], 1n);
    const bytes = Buffer.concat([whole, next.subarray(0, next.length - 3)]);
    expect(readRecordBatches(bytes).flatMap((b) => (b.encoded === undefined ? [] : decodeRecords(b.encoded, new HeaderNames(), 0n)).map((r) => r.value?.toString()))).toEqual(['first']);
  });

  it("should hand a compressed batch and a control batch to the client's parser", () => {
    const compressed = batchBytes([{ key: null, value: Buffer.from('zipped'), headers: [[Buffer.from('type'), Buffer.from('x')]], timestamp: 1n }], 7n, { compression: 'gzip' });
    const control = batchBytes([{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]), headers: [], timestamp: 1n }], 8n);
    control.writeInt16BE(control.readInt16BE(21) | IS_CONTROL, 21);
    const [zipped, marker] = readRecordBatches(Buffer.concat([compressed, control]));
    expect(zipped?.encoded).toBeUndefined();
    expect(zipped?.records.map((r) => r.value?.toString())).toEqual(['zipped']);
    expect(marker?.encoded).toBeUndefined();
    expect(marker?.records[0]?.key).toEqual(Buffer.from([0, 0, 0, 1]));
  });

  it('should refuse a record whose length does not match what it holds, instead of reading the next record from the wrong place', () => {
    const bytes = batchBytes([{ key: null, value: Buffer.from('abc'), headers: [], timestamp: 1n }], 0n);
    // The first record's length varint (zigzag) sits right after the 61-byte batch header.
    bytes.writeInt8(bytes.readInt8(61) + 2, 61);
    const [batch] = readRecordBatches(bytes);
    expect(() => decodeRecords(batch?.encoded ?? Buffer.alloc(0), new HeaderNames(), 0n)).toThrow(RangeError);
  });
});
