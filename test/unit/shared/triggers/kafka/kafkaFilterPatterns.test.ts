import { compileKafkaFilterPatterns, envelopeTypePattern } from '../../../../../shared/triggers/kafka/kafkaFilterPatterns';
import { FUNCTIONS, subscriptionsOf } from '../../../../../shared/routes/functionCatalog';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const placedOnly = compileKafkaFilterPatterns([envelopeTypePattern(['order.placed'])]);

describe('compileKafkaFilterPatterns (Lambda event filtering on an MSK record value)', () => {
  it('should keep a record whose value type is one of the listed strings and drop the others', () => {
    expect(placedOnly(json({ type: 'order.placed', data: { orderId: 'o1' } }))).toBe(true);
    expect(placedOnly(json({ type: 'order.completed', data: { orderId: 'o1' } }))).toBe(false);
    expect(placedOnly(json({ type: 'order.placed.v2' }))).toBe(false);
  });

  it('should drop a record without the field, with a field of another JSON type, or whose value is not a JSON object', () => {
    expect(placedOnly(json({ kind: 'order.placed' }))).toBe(false);
    expect(placedOnly(json({ type: 1 }))).toBe(false);
    expect(placedOnly(json({ type: null }))).toBe(false);
    expect(placedOnly(json({ type: { name: 'order.placed' } }))).toBe(false);
    expect(placedOnly(json('order.placed'))).toBe(false);
    expect(placedOnly(json(42))).toBe(false);
  });

  it('should drop a value that is not JSON, not UTF-8, or null (a tombstone)', () => {
    expect(placedOnly(Buffer.from('order.placed'))).toBe(false);
    expect(placedOnly(Buffer.from('{"type":"order.placed"'))).toBe(false);
    expect(placedOnly(Buffer.concat([Buffer.from('{"type":"order.placed","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]))).toBe(false);
    expect(placedOnly(null)).toBe(false);
    expect(placedOnly(Buffer.alloc(0))).toBe(false);
  });

  it('should match an array field when any of its elements is a listed string', () => {
    expect(placedOnly(json({ type: ['order.completed', 'order.placed'] }))).toBe(true);
    expect(placedOnly(json({ type: ['order.completed', 1, null] }))).toBe(false);
    expect(placedOnly(json({ type: [] }))).toBe(false);
  });

  it('should match a nested pattern against an array of objects only when one element matches it whole', () => {
    const filter = compileKafkaFilterPatterns([{ value: { lines: { sku: ['a'], size: ['m'] } } }]);
    const lines = (...pairs: Array<[string, string]>) => json({ lines: pairs.map(([sku, size]) => ({ sku, size })) });
    expect(filter(lines(['b', 's'], ['a', 'm']))).toBe(true);
    // Each field matches in some element, but no one element matches the pattern whole.
    expect(filter(lines(['a', 's'], ['b', 'm']))).toBe(false);
    expect(filter(json({ lines: { sku: 'a', size: 'm' } }))).toBe(true);
    expect(filter(json({ lines: 'a' }))).toBe(false);
  });

  it('should need every field of a pattern and any one of several patterns', () => {
    const filter = compileKafkaFilterPatterns([{ value: { type: ['a'], source: ['s'] } }, { value: { data: { kind: ['k'] } } }]);
    expect(filter(json({ type: 'a', source: 's' }))).toBe(true);
    expect(filter(json({ type: 'a', source: 't' }))).toBe(false);
    expect(filter(json({ type: 'b', data: { kind: 'k' } }))).toBe(true);
    expect(filter(json({ type: 'b', data: { kind: 'j' } }))).toBe(false);
  });

  it('should look fields up as the value own properties, so constructor and __proto__ never read Object.prototype', () => {
    const byConstructor = compileKafkaFilterPatterns([{ value: { constructor: ['Object'] } }]);
    expect(byConstructor(json({ type: 'order.placed' }))).toBe(false);
    expect(byConstructor(Buffer.from('{"constructor":"Object"}'))).toBe(true);
    const byProto = compileKafkaFilterPatterns([JSON.parse('{"value":{"__proto__":{"type":["order.placed"]}}}')]);
    expect(byProto(json({ type: 'order.placed' }))).toBe(false);
    expect(byProto(Buffer.from('{"__proto__":{"type":"order.placed"}}'))).toBe(true);
    expect(placedOnly(Buffer.from('{"__proto__":{"type":"order.placed"}}'))).toBe(false);
    const nested = compileKafkaFilterPatterns([{ value: { data: { toString: ['x'] } } }]);
    expect(nested(json({ data: {} }))).toBe(false);
  });

  it.each([
    ['a prefix', { value: { type: [{ prefix: 'order.' }] } }],
    ['anything-but', { value: { type: [{ 'anything-but': ['x'] }] } }],
    ['exists', { value: { type: [{ exists: true }] } }],
    ['a number', { value: { total: [5] } }],
    ['null', { value: { type: [null] } }],
    ['an empty array', { value: { type: [] } }],
    ['a bare string leaf', { value: { type: 'order.placed' } }],
    ['an empty object', { value: {} }],
    ['a plain-string value pattern', { value: ['order.placed'] }],
    ['the key', { key: ['k'] }],
    ['the value and the key', { value: { type: ['a'] }, key: ['k'] }],
    ['the topic', { topic: ['orders'] }],
  ])('should refuse, when compiled, a pattern using %s', (_, pattern) => {
    expect(() => compileKafkaFilterPatterns([pattern])).toThrow(/filter pattern #1.*refuses the rest/);
  });

  it('should refuse an empty list of patterns', () => {
    expect(() => compileKafkaFilterPatterns([])).toThrow(/empty/);
  });

  it('should compile every filter pattern serverless.yml declares', () => {
    const declared = FUNCTIONS.flatMap(subscriptionsOf).filter((s) => s.filterPatterns.length > 0);
    expect(declared.length).toBeGreaterThan(0);
    for (const s of declared) expect(() => compileKafkaFilterPatterns(s.filterPatterns)).not.toThrow();
  });
});
