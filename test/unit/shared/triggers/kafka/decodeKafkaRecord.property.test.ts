import fc from 'fast-check';
import { toKafkaTriggerRecord } from '../../../../../emulator/runtime/kafkaTriggerEvent';
import { asConsumedRecord } from '../../../../../shared/kafka/asConsumedRecord';
import type { ConsumedRecord } from '../../../../../shared/kafka/KafkaPort';
import { parseIngestRequest } from '../../../../../functions/ingest-events/parseIngestRequest';
import type { Envelope } from '../../../../../shared/envelope/envelope';
import { parseEnvelope } from '../../../../../shared/envelope/parseEnvelope';
import { toKafkaMessage } from '../../../../../shared/envelope/toKafkaMessage';
import { upcastEnvelope } from '../../../../../shared/envelope/upcastEnvelope';
import { decodeBase64 } from '../../../../../shared/triggers/kafka/decodeBase64';
import { decodeKafkaHeaders } from '../../../../../shared/triggers/kafka/decodeKafkaHeaders';
import { decodeKafkaRecord } from '../../../../../shared/triggers/kafka/decodeKafkaRecord';
import { InvalidRecordError } from '../../../../../shared/triggers/kafka/InvalidRecordError';
import type { KafkaTriggerRecord } from '../../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { clientEventArb, thrownBy } from '../../../../../testkit/arbitraries';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('');

const expectInvalidRecord = (error: unknown): InvalidRecordError => {
  if (!(error instanceof InvalidRecordError)) throw new Error(`expected an InvalidRecordError, got ${String(error)}`, { cause: error });
  expect(error.field).not.toBe('');
  expect(error.message.trim()).not.toBe('');
  return error;
};

/** Strings near base64: right alphabet and wrong lengths, stray characters, url-safe letters, bad padding. */
const base64ishArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...BASE64_ALPHABET, '=', '-', '_', ' ', '\n', '!', 'é'), maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.constantFrom('!', ' ', '\n', '=', '-', '_', '%', '.')).map(([bytes, at, junk]) => {
    const text = Buffer.from(bytes).toString('base64');
    const cut = at % (text.length + 1);
    return `${text.slice(0, cut)}${junk}${text.slice(cut)}`;
  }),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64').replace(/=+$/, '')),
  fc.string({ unit: 'binary' }),
);

/** Java-style header bytes: signed (-128..127), unsigned (0..255), and values out of range or of another type. */
const headerByteArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -128, max: 255 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -100_000, max: -129 }), fc.integer({ min: 256, max: 100_000 })) },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.constantFrom<unknown>(NaN, Infinity, -Infinity, '1', null, true, [1], { b: 1 }, 1.5, -0.5)) },
);

const headerListArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.array(headerByteArb, { maxLength: 12 }), { maxKeys: 3 }), { maxLength: 5 }),
  fc.array(fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.anything(), { maxKeys: 2 })), { maxLength: 4 }),
  fc.anything(),
);

/** The bytes a header list must decode to, or null when one of its bytes is not a -128..255 integer. */
function expectedHeaders(headers: unknown): Map<string, Buffer> | null {
  if (!Array.isArray(headers)) return null;
  const out = new Map<string, Buffer>();
  for (const header of headers as unknown[]) {
    if (header === null || typeof header !== 'object' || Array.isArray(header)) return null;
    for (const [name, bytes] of Object.entries(header)) {
      if (!Array.isArray(bytes)) return null;
      const values: number[] = [];
      for (const byte of bytes as unknown[]) {
        if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < -128 || byte > 255) return null;
        values.push(((byte % 256) + 256) % 256);
      }
      out.set(name, Buffer.from(values));
    }
  }
  return out;
}

const toSignedBytes = (bytes: Uint8Array): number[] => Array.from(bytes, (b) => (b > 127 ? b - 256 : b));

/** What Lambda hands the function: the record as JSON. */
const overTheWire = (record: KafkaTriggerRecord): KafkaTriggerRecord => JSON.parse(JSON.stringify(record)) as KafkaTriggerRecord;

describe('decodeBase64 (properties)', () => {
  it('should decode only strict base64, to exactly the bytes Buffer reads, and refuse the rest with InvalidRecordError', () => {
    fc.assert(
      fc.property(base64ishArb, (text) => {
        const error = thrownBy(() => decodeBase64('value', text));
        if (error !== undefined) {
          expect(expectInvalidRecord(error).field).toBe('value');
          return;
        }
        const bytes = decodeBase64('value', text);
        if (bytes === null) throw new Error('a string decoded to null');
        expect(bytes.equals(Buffer.from(text, 'base64'))).toBe(true);
        // No character was skipped: the bytes re-encode to a string of the same length.
        expect(bytes.toString('base64')).toHaveLength(text.length);
      }),
      { numRuns: 500 },
    );
  });

  it('should round-trip any bytes, and map null and undefined to null', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase64('key', Buffer.from(bytes).toString('base64'))?.equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(decodeBase64('key', null)).toBeNull();
    expect(decodeBase64('key', undefined)).toBeNull();
  });

  it('should refuse anything that is not a string with InvalidRecordError', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'string' && v !== null && v !== undefined),
        (value) => {
          expectInvalidRecord(thrownBy(() => decodeBase64('key', value as string)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('decodeKafkaHeaders (properties)', () => {
  it('should decode any header list of -128..255 integers to their low bytes, last name wins, and refuse the rest with InvalidRecordError', () => {
    fc.assert(
      fc.property(headerListArb, (headers) => {
        const expected = expectedHeaders(headers);
        const error = thrownBy(() => decodeKafkaHeaders(headers));
        if (headers === null || headers === undefined) {
          expect(error).toBeUndefined();
          return;
        }
        if (expected === null) {
          expectInvalidRecord(error);
          return;
        }
        expect(error).toBeUndefined();
        const decoded = decodeKafkaHeaders(headers);
        expect(Object.keys(decoded).sort()).toEqual([...expected.keys()].sort());
        for (const [name, bytes] of expected) expect(decoded[name]?.equals(bytes)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('should restore the same bytes from their signed (Java) and unsigned forms', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 200 }), fc.boolean(), (name, bytes, signed) => {
        const list = signed ? toSignedBytes(bytes) : Array.from(bytes);
        expect(decodeKafkaHeaders([{ [name]: list }])[name]?.equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeKafkaRecord (properties)', () => {
  const recordArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.record(
      {
        topic: fc.oneof(fc.string(), fc.anything()),
        partition: fc.oneof(fc.nat(), fc.anything()),
        offset: fc.oneof(fc.nat(), fc.anything()),
        timestamp: fc.oneof(fc.nat(), fc.anything()),
        timestampType: fc.constantFrom('CREATE_TIME', 'LOG_APPEND_TIME', 'OTHER'),
        key: fc.oneof(base64ishArb, fc.constant(null), fc.anything()),
        value: fc.oneof(base64ishArb, fc.constant(null), fc.anything()),
        headers: headerListArb,
      },
      { requiredKeys: [] },
    ),
    fc.anything(),
  );

  it('should decode arbitrary records or refuse them with InvalidRecordError only', () => {
    fc.assert(
      fc.property(recordArb, (raw) => {
        const error = thrownBy(() => decodeKafkaRecord(raw as KafkaTriggerRecord));
        if (error !== undefined) expectInvalidRecord(error);
      }),
      { numRuns: 500 },
    );
  });

  it('should round-trip any key, value and header bytes through toKafkaTriggerRecord, JSON and decodeKafkaRecord', () => {
    const bytesOrNull = fc.option(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      { nil: null },
    );
    const headerValue = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
      fc.string({ unit: 'binary', maxLength: 20 }).map((text) => Buffer.from(text, 'utf8')),
    );
    // Names repeat (Kafka allows it), from a small pool so that they do.
    const headersArb = fc.array(fc.tuple(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('id', 'type', '__proto__')), headerValue), { maxLength: 8 });
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.nat({ max: 11 }),
        fc.nat(),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        bytesOrNull,
        bytesOrNull,
        headersArb,
        (topic, partition, offset, timestamp, key, value, headers) => {
          const message: ConsumedRecord = { key, value, timestamp: BigInt(timestamp), offset: BigInt(offset), headers };
          const decoded = decodeKafkaRecord(overTheWire(toKafkaTriggerRecord(topic, partition, message)));
          expect({ topic: decoded.topic, partition: decoded.partition, offset: decoded.offset, timestamp: decoded.timestamp }).toEqual({ topic, partition, offset, timestamp });
          expect(decoded.key === null ? null : Buffer.from(decoded.key)).toEqual(key);
          expect(decoded.value === null ? null : Buffer.from(decoded.value)).toEqual(value);
          const expected = new Map<string, Buffer>();
          for (const [name, one] of headers) expected.set(name, one);
          expect(Object.keys(decoded.headers).sort()).toEqual([...expected.keys()].sort());
          for (const [name, bytes] of expected) expect(decoded.headers[name]?.equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('should carry every accepted event through Kafka bytes and back to the same (upcast) envelope', () => {
    fc.assert(
      fc.property(clientEventArb, fc.nat(), (event, offset) => {
        const [ingested] = parseIngestRequest(event);
        if (ingested === undefined) throw new Error('no envelope');
        // The record ingest sends (its value as bytes), and the one every other publisher makes (as text).
        const { envelope } = ingested;
        const produced = ingested.record.record;
        expect(toKafkaMessage(envelope)).toStrictEqual({ ...produced, value: produced.value?.toString() });
        const message = asConsumedRecord(produced, BigInt(offset), BigInt(Date.parse(envelope.time)));
        const record = decodeKafkaRecord(overTheWire(toKafkaTriggerRecord('topic', 0, message)));
        if (record.value === null) throw new Error('value lost');
        const read: Envelope<Record<string, unknown>> = parseEnvelope(record.value.toString('utf8'));
        expect(read).toStrictEqual(upcastEnvelope(envelope));
        expect(record.key?.toString('utf8')).toBe(envelope.key);
        expect(record.headers.hops?.toString()).toBe('0');
        expect(record.headers.id?.toString()).toBe(envelope.id);
        expect(record.headers.type?.toString()).toBe(envelope.type);
      }),
      { numRuns: 150 },
    );
  });
});
