import { hash } from 'node:crypto';
import { HttpError } from '../../http/HttpError';
import { redisKeys } from '../../state/redisKeys';

/**
 * A key's id in Redis: a digest, so neither Redis nor a key listing ever holds an API key. The one-shot
 * `hash` (Node 20.12+) makes no Hash object per call, on a path every request takes.
 */
export const keyId = (apiKey: string): string => hash('sha256', apiKey).slice(0, 24);

export interface RateLimitWindow {
  /** The counter of this key's current window. */
  counter: string;
  /** The counter's lifetime: the window and a second, so it never resets early. */
  ttlSeconds: number;
  limit: number;
  /** The 429 of a request past the limit, with retry-after until the window ends. */
  tooMany(): HttpError;
  /** Throws tooMany() when `count` is past the limit. */
  refuseOver(count: number): void;
}

/** The fixed window an API key's request falls in at `nowMs`, and the verdict on its count. */
export function rateLimitWindow(namespace: string, apiKey: string, limit: number, windowSeconds: number, nowMs: number): RateLimitWindow {
  const nowSeconds = nowMs / 1000;
  const window = Math.floor(nowSeconds / windowSeconds);
  return {
    counter: redisKeys(namespace).rateLimit(keyId(apiKey), window),
    ttlSeconds: windowSeconds + 1,
    limit,
    tooMany() {
      const retryAfter = Math.max(1, Math.ceil((window + 1) * windowSeconds - nowSeconds));
      return new HttpError(429, `rate limit of ${limit} requests per ${windowSeconds} s exceeded for this API key`, { headers: { 'retry-after': String(retryAfter) } });
    },
    refuseOver(count) {
      if (count > limit) throw this.tooMany();
    },
  };
}
