import fc from 'fast-check';
import { createEnvelope } from '../../../../shared/envelope/envelope';
import { specOf } from '../../../../shared/envelope/eventCatalog';
import { toFieldErrors } from '../../../../shared/envelope/fieldErrors';
import { forbiddenKeyPath } from '../../../../shared/envelope/forbiddenKeyPath';
import { InvalidEventError } from '../../../../shared/envelope/InvalidEventError';
import { envelopeShape, parseEnvelope } from '../../../../shared/envelope/parseEnvelope';
import { upcastEnvelope } from '../../../../shared/envelope/upcastEnvelope';
import { checkBase64, decodeBase64, decodeBase64Text, STRICT_BASE64 } from '../../../../shared/triggers/kafka/decodeBase64';
import { decodeKafkaRecord, decodeKafkaRecordText } from '../../../../shared/triggers/kafka/decodeKafkaRecord';
import type { KafkaTriggerRecord } from '../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { DATA_ARBITRARIES, safeIdArb, thrownBy, unsafeIdArb } from '../../../../testkit/arbitraries';

/**
 * The hot path of the Kafka batch decoding checks some things by hand instead of by regex or zod
 * (shared/triggers/kafka/decodeBase64.ts, decodeKafkaRecord.ts, shared/envelope/parseEnvelope.ts).
 * These properties hold them to their reference definitions: same verdict, same result, same reason.
 */

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('');
// Characters Buffer's base64 decoder misreads rather than skips: url-safe digits, and characters above
// U+00FF whose low byte is a base64 digit (U+0141 is read as 'A'), plus Latin-1, whitespace, surrogates.
const TRICKY = ['=', '-', '_', ' ', '\n', '!', '.', 'é', '\u0141', '\u0161', '\u012b', '\u0130', '\u0100', '\u00ff', '\u0000', '\ud83d', '\ude00'];

const nearBase64Arb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...BASE64_ALPHABET, ...TRICKY), maxLength: 24 }),
  fc.tuple(fc.uint8Array({ maxLength: 30 }), fc.nat(), fc.constantFrom(...TRICKY)).map(([bytes, at, junk]) => {
    const text = Buffer.from(bytes).toString('base64');
    const cut = at % (text.length + 1);
    // Replacing keeps the length a multiple of 4, so only the character itself can make it invalid.
    return `${text.slice(0, cut)}${junk}${text.slice(cut + 1)}`;
  }),
  fc.uint8Array({ maxLength: 30 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  fc.string({ unit: 'binary', maxLength: 16 }),
);

describe('decodeBase64 against the strict base64 regex', () => {
  it('should accept exactly the strings STRICT_BASE64 matches, with the bytes Buffer reads', () => {
    fc.assert(
      fc.property(nearBase64Arb, (text) => {
        const error = thrownBy(() => decodeBase64('value', text));
        expect(error === undefined).toBe(STRICT_BASE64.test(text));
        if (error === undefined) expect(decodeBase64('value', text)?.equals(Buffer.from(text, 'base64'))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('should check (checkBase64) exactly what it decodes, with the same error', () => {
    fc.assert(
      fc.property(fc.oneof(nearBase64Arb, fc.constant(null), fc.anything()), (text) => {
        const decoding = thrownBy(() => decodeBase64('key', text as string));
        const checking = thrownBy(() => checkBase64('key', text as string));
        expect((checking as Error | undefined)?.message).toBe((decoding as Error | undefined)?.message);
      }),
      { numRuns: 3000 },
    );
  });

  it.each(['QUJ\u0141', '\u0141\u0141\u0141\u0141', 'QQ-_', 'QQ==QUJD', 'QUJD====', 'A===', 'QU=D', ' QUJ', 'QR==', '', '====', 'QUI=', 'QUJD', 'Q===', '=QUJ', 'QU==='])(
    'should agree with the regex on %j',
    (text) => {
      expect(thrownBy(() => decodeBase64('value', text)) === undefined).toBe(STRICT_BASE64.test(text));
      expect(thrownBy(() => checkBase64('key', text)) === undefined).toBe(STRICT_BASE64.test(text));
    },
  );
});

describe('decodeBase64Text against decodeBase64', () => {
  // Bytes whose UTF-8 reading differs from their Latin-1 one: multi-byte characters, broken sequences, lone continuation bytes.
  const bytesArb = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 12 }).map((text) => new Uint8Array(Buffer.from(text, 'utf8'))),
    fc.array(fc.constantFrom(0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff), { maxLength: 16 }).map((b) => new Uint8Array(b)),
  );
  const textArb = fc.oneof(
    nearBase64Arb,
    bytesArb.map((bytes) => Buffer.from(bytes).toString('base64')),
    fc.constantFrom(null, undefined),
  );

  it("should refuse the same texts with the same reason, and read the same text as the bytes' UTF-8", () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const reference = thrownBy(() => decodeBase64('value', text));
        const direct = thrownBy(() => decodeBase64Text('value', text));
        expect((direct as Error | undefined)?.message).toBe((reference as Error | undefined)?.message);
        if (reference === undefined) expect(decodeBase64Text('value', text)).toBe(decodeBase64('value', text)?.toString('utf8') ?? null);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    'QUJ\u0141',
    '\u0141\u0141\u0141\u0141',
    'QQ-_',
    'QQ==QUJD',
    'QUJD====',
    'A===',
    'QU=D',
    ' QUJ',
    'QUJ ',
    'QR==',
    '',
    '====',
    'QUI=',
    'QUJD',
    'Q===',
    '=QUJ',
    'QU===',
    'QQ',
    'QUJ',
    'QU\nJD',
    'w6k=',
    '/w==',
    'gA==',
  ])('should agree with the regex on %j', (text) => {
    expect(thrownBy(() => decodeBase64Text('value', text)) === undefined).toBe(STRICT_BASE64.test(text));
  });

  it('should refuse what is not a string as decodeBase64 does', () => {
    for (const value of [1, {}, [], true])
      expect((thrownBy(() => decodeBase64Text('value', value as unknown as string)) as Error).message).toBe((thrownBy(() => decodeBase64('value', value as unknown as string)) as Error).message);
  });
});

describe('decodeKafkaRecordText against decodeKafkaRecord', () => {
  const recordArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.record(
      {
        topic: fc.oneof(fc.string(), fc.anything()),
        partition: fc.oneof(fc.nat(), fc.anything()),
        offset: fc.oneof(fc.nat(), fc.anything()),
        timestamp: fc.nat(),
        key: fc.oneof(nearBase64Arb, fc.constant(null), fc.anything()),
        value: fc.oneof(nearBase64Arb, fc.constant(null), fc.anything()),
        headers: fc.oneof(
          fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.array(fc.oneof(fc.integer({ min: -200, max: 300 }), fc.anything()), { maxLength: 6 }), { maxKeys: 3 }), { maxLength: 4 }),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    ),
    fc.anything(),
  );

  it('should refuse the same records with the same reason, and read the same value as text', () => {
    fc.assert(
      fc.property(recordArb, (raw) => {
        const full = thrownBy(() => decodeKafkaRecord(raw as KafkaTriggerRecord));
        const text = thrownBy(() => decodeKafkaRecordText(raw as KafkaTriggerRecord));
        expect((text as Error | undefined)?.message).toBe((full as Error | undefined)?.message);
        if (full === undefined) expect(decodeKafkaRecordText(raw as KafkaTriggerRecord)).toBe(decodeKafkaRecord(raw as KafkaTriggerRecord).value?.toString('utf8') ?? null);
      }),
      { numRuns: 1500 },
    );
  });
});

/** parseEnvelope as it was before its written-out envelope checks: zod decides everything. */
function parseEnvelopeByZod(json: string) {
  const parsed: unknown = JSON.parse(json);
  // The one check zod cannot make: keys it would drop without a word are refused (see forbiddenKeyPath).
  const forbidden = forbiddenKeyPath(parsed, '');
  if (forbidden !== undefined) throw new InvalidEventError(forbidden, 'unknown field');
  const shape = envelopeShape.safeParse(parsed);
  if (!shape.success) throw InvalidEventError.of(toFieldErrors('', shape.error));
  const envelope = shape.data;
  const spec = specOf(envelope.type);
  if (spec === undefined) throw new InvalidEventError('type', `unknown event type ${envelope.type}`);
  const schema = spec.schemas[envelope.version];
  if (schema === undefined) throw new InvalidEventError('version', `unsupported version ${envelope.version} of ${envelope.type} (current is ${spec.currentVersion})`);
  const data = schema.safeParse(envelope.data);
  if (!data.success) throw InvalidEventError.of(toFieldErrors('data', data.error));
  return upcastEnvelope({ ...envelope, data: data.data });
}

describe('parseEnvelope against zod alone', () => {
  const oddValueArb: fc.Arbitrary<unknown> = fc.oneof(
    safeIdArb,
    unsafeIdArb,
    fc.constantFrom<unknown>(
      '',
      null,
      undefined,
      0,
      -1,
      1,
      1.5,
      2 ** 53,
      -0,
      true,
      [],
      {},
      { __proto__: 1 },
      '2026-02-29T00:00:00Z',
      '2024-02-29T10:00:00.5+01:00',
      '2026-13-01T00:00:00Z',
      '2026-01-01',
      '2026-01-01T00:00Z',
      '2026-01-01T00:00:00+24:00',
      '2026-01-01T00:00:00.123456789-05:30',
      '2026-01-01 00:00:00Z',
      '2026-01-01T00:00:00z',
      '2026-01-01T00:00:00Z\n',
      'score.recorded',
      'nope',
    ),
    fc.integer({ min: -3, max: 5 }),
    fc.string({ maxLength: 8 }),
    fc.anything({ maxDepth: 1 }),
  );
  const fields = ['id', 'type', 'version', 'source', 'time', 'key', 'correlationId', 'causationId', 'hops', 'data', 'extra'];
  const envelopeArb = fc
    .tuple(fc.constantFrom(...DATA_ARBITRARIES), fc.nat({ max: 5 }), safeIdArb)
    .chain(([{ type, version, data }, hops, id]) =>
      fc.tuple(
        data.map((d): Record<string, unknown> => ({ ...createEnvelope({ type, version, key: id, data: d, source: 'test', id }), hops })),
        fc.array(fc.tuple(fc.constantFrom(...fields), oddValueArb, fc.boolean()), { maxLength: 2 }),
      ),
    )
    .map(([envelope, changes]) => {
      const out: Record<string, unknown> = { ...envelope };
      for (const [field, value, remove] of changes) {
        if (remove) Reflect.deleteProperty(out, field);
        else out[field] = value;
      }
      return out;
    });

  it('should give the same envelope, or refuse with the same fields and reasons', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: envelopeArb }, { weight: 1, arbitrary: fc.anything() }), (input) => {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify gives undefined for undefined, whatever lib.d.ts says
        const json = JSON.stringify(input) ?? 'null';
        const expectedError = thrownBy(() => parseEnvelopeByZod(json));
        const error = thrownBy(() => parseEnvelope(json));
        expect((error as Error | undefined)?.message).toBe((expectedError as Error | undefined)?.message);
        if (expectedError === undefined) expect(parseEnvelope(json)).toStrictEqual(parseEnvelopeByZod(json));
      }),
      { numRuns: 2000 },
    );
  });

  it('should refuse a "__proto__" key in data, which z.record would drop, naming it', () => {
    const envelope = createEnvelope({ type: 'score.recorded', version: 1, key: 'u1', data: { board: 'b', userId: 'u1', points: 1 }, source: 'test' });
    const json = JSON.stringify(envelope).replace('"data":{', '"data":{"__proto__":{"x":1},');
    const error = thrownBy(() => parseEnvelope(json));
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).fields).toEqual([{ field: 'data.__proto__', reason: 'unknown field' }]);
  });

  it.each(['constructor', 'prototype'])('should refuse a nested %s key in data', (name) => {
    const envelope = createEnvelope({
      type: 'order.placed',
      version: 1,
      key: 'o1',
      data: { orderId: 'o1', userId: 'u', amount: 1, currency: 'EUR', paymentToken: 't', items: [{ sku: 's', qty: 1 }] },
      source: 'test',
    });
    const json = JSON.stringify(envelope).replace('"qty":1', `"qty":1,"${name}":{"x":1}`);
    expect((thrownBy(() => parseEnvelope(json)) as InvalidEventError).fields).toEqual([{ field: `data.items[0].${name}`, reason: 'unknown field' }]);
  });
});
