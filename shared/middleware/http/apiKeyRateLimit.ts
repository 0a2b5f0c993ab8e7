import { functionConfig } from '../../config/functionConfig';
import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { guardedRedis } from '../../clients/redisClient';
import { HttpError } from '../../http/HttpError';
import { isUnavailable } from '../../resilience/downstream';
import { redisKeys, redisNamespace } from '../../state/redisKeys';
import { countRateLimited } from './rateLimitCounter';

export interface RateLimitOptions {
  /** Requests per key per window. */
  limit?: number;
  windowSeconds?: number;
}

/** Read when a handler is made (at module load, as Lambda's environment is), not when this module loads. */
const defaults = () => ({ limit: functionConfig().TRIPLANE_RATE_LIMIT, windowSeconds: functionConfig().TRIPLANE_RATE_LIMIT_WINDOW_SECONDS });

/** A key's id in Redis: a digest, so neither Redis nor a key listing ever holds an API key. */
export const keyId = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex').slice(0, 24);

/**
 * Per-API-key rate limiting in Redis, a fixed window counter (one atomic script, shared by every
 * container of every function): past the limit, 429 with `retry-after` until the window ends. It runs
 * after the key check, so only authenticated requests count. If Redis is unavailable (breaker open,
 * timeout) the request goes through: refusing all traffic because the limiter's store is down would
 * turn a Redis incident into a full outage. A permission error is not unavailability: it is a defect
 * (the function's ACL user lacks a right) and fails the request with a 500, logged and counted.
 */
export function apiKeyRateLimit(opts: RateLimitOptions = {}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const { limit, windowSeconds } = { ...defaults(), ...opts };
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`apiKeyRateLimit: limit must be a whole number >= 1, got ${limit}`);
  const keys = redisKeys(redisNamespace());
  const apiKeyRateLimitBefore = async (request: { event: APIGatewayProxyEventV2 }) => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a hand-written event (npm run invoke) may have no headers at all
    const given = request.event.headers?.['x-api-key'];
    // Unreachable behind apiKeys(), which refuses a request without a valid key before this runs.
    if (given === undefined || given === '') throw new HttpError(401, 'a valid x-api-key header is required');
    const nowSeconds = Date.now() / 1000;
    const window = Math.floor(nowSeconds / windowSeconds);
    const key = keys.rateLimit(keyId(given), window);
    let count: number;
    try {
      count = await guardedRedis((redis) => countRateLimited(redis, key, windowSeconds + 1));
    } catch (error) {
      if (isUnavailable(error)) return;
      throw error;
    }
    if (count > limit) {
      const retryAfter = Math.max(1, Math.ceil((window + 1) * windowSeconds - nowSeconds));
      throw new HttpError(429, `rate limit of ${limit} requests per ${windowSeconds} s exceeded for this API key`, { headers: { 'retry-after': String(retryAfter) } });
    }
  };
  return { before: apiKeyRateLimitBefore };
}
