import fc from 'fast-check';
import { toRabbitMqHeaderValue } from '../../../../../emulator/runtime/rabbitMqTriggerEvent';
import { attemptOf, decodeRabbitMqHeaders, decodeRabbitMqHeaderValue, type DecodedHeaderValue } from '../../../../../shared/triggers/rabbitmq/decodeRabbitMqHeaders';
import type { RabbitMqHeaderValue } from '../../../../../shared/triggers/rabbitmq/RabbitMqTriggerEvent';

/** What Lambda hands the function: the event as JSON. */
const overTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Header values amqplib hands a consumer: text, finite numbers, booleans, null, and lists and tables of them. */
const headerValueArb: fc.Arbitrary<DecodedHeaderValue> = fc.letrec<{ value: DecodedHeaderValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    // A table whose only key is `bytes` holding a list would read as text: AWS's format cannot tell them apart.
    fc.dictionary(
      fc.string({ maxLength: 8 }).filter((k) => k !== 'bytes'),
      tie('value'),
      { maxKeys: 3, noNullPrototype: true },
    ),
  ),
})).value;

describe('RabbitMQ header values (properties)', () => {
  it('should round-trip any well-formed unicode string through the {bytes} form, as JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.string({ unit: 'binary-ascii' })), (text) => {
        const wire = overTheWire(toRabbitMqHeaderValue(text));
        expect(decodeRabbitMqHeaderValue(wire)).toBe(text);
      }),
      { numRuns: 800 },
    );
  });

  it('should round-trip any number unchanged (finite ones through JSON too)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (n) => {
        expect(Object.is(decodeRabbitMqHeaderValue(toRabbitMqHeaderValue(n)), n)).toBe(true);
        if (Number.isFinite(n) && !Object.is(n, -0)) expect(decodeRabbitMqHeaderValue(overTheWire(toRabbitMqHeaderValue(n)))).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it('should round-trip whole header tables of text, numbers, lists and nested tables', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), headerValueArb, { maxKeys: 6, noNullPrototype: true }), (headers) => {
        const wire = overTheWire(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, toRabbitMqHeaderValue(v)])));
        expect(decodeRabbitMqHeaders(wire)).toStrictEqual(headers);
      }),
      { numRuns: 400 },
    );
  });

  it('should decode any signed or unsigned byte list without throwing, to the text of its low bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -128, max: 255 }), { maxLength: 60 }), (bytes) => {
        expect(decodeRabbitMqHeaderValue({ bytes })).toBe(Buffer.from(bytes.map((b) => b & 0xff)).toString('utf8'));
      }),
      { numRuns: 300 },
    );
  });

  it('should decode arbitrary JSON header tables without throwing, and read any attempt as a whole number >= 1', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (headers) => {
        const decoded = decodeRabbitMqHeaders(headers as Record<string, RabbitMqHeaderValue>);
        const attempt = attemptOf(decoded);
        expect(Number.isInteger(attempt) && attempt >= 1).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
