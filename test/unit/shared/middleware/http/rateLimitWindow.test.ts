import { createHash } from 'node:crypto';
import { keyDigest } from '../../../../../shared/middleware/http/apiKeySource';
import { HttpError } from '../../../../../shared/http/HttpError';
import { keyId, rateLimitWindow } from '../../../../../shared/middleware/http/rateLimitWindow';

describe('rateLimitWindow', () => {
  it('should name the key by its digest and window, and outlive the window by a second', () => {
    const window = rateLimitWindow('ns', 'secret-key', 5, 60, 120_500);
    expect(window.counter).toBe(`ns:ratelimit:${keyId('secret-key')}:2`);
    expect(window.counter).not.toContain('secret-key');
    expect(window.ttlSeconds).toBe(61);
  });

  it('should keep the digests SHA-256 gives, so counters and key checks are the same across a deploy', () => {
    for (const key of ['secret-key', 'ключ', '', '__proto__']) {
      const sha256 = createHash('sha256').update(key).digest();
      expect(keyId(key)).toBe(sha256.toString('hex').slice(0, 24));
      expect(keyDigest(key).equals(sha256)).toBe(true);
    }
  });

  it('should let the limit through and refuse past it with 429 and retry-after until the window ends', () => {
    const window = rateLimitWindow('ns', 'k', 5, 60, 150_000);
    expect(() => window.refuseOver(5)).not.toThrow();
    let refused: unknown;
    try {
      window.refuseOver(6);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ statusCode: 429, headers: { 'retry-after': '30' } });
  });
});
