import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { contentDigest, stableJson } from '../../../../shared/envelope/contentDigest';

/** stableJson as the first version wrote it (map, filter, join): the text every mark's digest was made of. */
function stableJsonBefore(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify gives undefined for undefined
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJsonBefore).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${stableJsonBefore(record[key])}`)
    .join(',')}}`;
}

/** The digest as marks were made before crypto.hash and the written-out stableJson: a mark must read as the same content whichever made it. */
const digestOfBefore = (envelope: { type: string; version: number; key: string; data: Record<string, unknown> }): string =>
  createHash('sha256')
    .update(stableJsonBefore([envelope.type, envelope.version, envelope.key, envelope.data]))
    .digest('base64url')
    .slice(0, 22);

describe('contentDigest', () => {
  it('should give the digest the marks already hold for any content', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 9 }), fc.string(), fc.dictionary(fc.string(), fc.jsonValue()), (type, version, key, data) => {
        const envelope = { type, version, key, data };
        expect(contentDigest(envelope)).toBe(digestOfBefore(envelope));
        expect(contentDigest(envelope)).toHaveLength(22);
      }),
      { numRuns: 500 },
    );
  });

  it('should give the same digest past the bound of kept type and version heads, and for a type or version of another kind', () => {
    // More distinct (type, version) pairs than contentDigest keeps: later ones are written each time, alike.
    for (let i = 0; i < 1_500; i++) {
      const envelope = { type: `t.${i}`, version: (i % 9) + 1, key: `k${i}`, data: { n: i, s: 'x' } };
      expect(contentDigest(envelope)).toBe(digestOfBefore(envelope));
      expect(contentDigest(envelope)).toBe(digestOfBefore(envelope));
    }
    const odd = [
      { type: 7, version: '1' },
      { type: 'a', version: -0 },
      { type: 'a', version: 0 },
      { type: 'a', version: Number.NaN },
      { type: 'a"\u0001', version: 1.5 },
      { type: null, version: undefined },
    ] as unknown as Array<{ type: string; version: number }>;
    for (const { type, version } of odd) {
      const envelope = { type, version, key: 'k', data: { a: 1 } };
      expect(contentDigest(envelope)).toBe(digestOfBefore(envelope));
    }
  });

  it('should write the same text as the first stableJson for any value, undefined fields, holes and odd keys included', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue(),
        fc.constantFrom(undefined, Number.NaN, -0, Infinity, -Infinity, 1e21, 5e-324, '\ud800', 'a\udfffb', '\u{1f600}', '\u007f', '\u001f', '"', '\\'),
        fc.string({ unit: 'binary' }),
        fc.double(),
        fc.array(tie('node')),
        fc.sparseArray(tie('node')),
        fc.dictionary(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('__proto__', 'constructor', 'a"b', '\u2028', '', '10', '9', '\ud800', '\u{1f600}', '\uffff')), tie('node')),
        fc.dictionary(fc.string({ unit: 'binary-ascii', maxLength: 2 }), fc.integer(), { minKeys: 17, maxKeys: 40 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => expect(stableJson(v)).toBe(stableJsonBefore(v))),
      { numRuns: 1_000 },
    );
  });
});
