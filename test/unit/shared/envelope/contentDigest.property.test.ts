import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { contentDigest, stableJson } from '../../../../shared/envelope/contentDigest';

/** The digest as marks were made before crypto.hash: a mark must read as the same content whichever made it. */
const digestOfBefore = (envelope: { type: string; version: number; key: string; data: Record<string, unknown> }): string =>
  createHash('sha256')
    .update(stableJson([envelope.type, envelope.version, envelope.key, envelope.data]))
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
});
