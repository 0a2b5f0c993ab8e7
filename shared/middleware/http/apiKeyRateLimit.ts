import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { guardedRedis } from '../../clients/redisClient';
import { HttpError } from '../../http/HttpError';
import { isUnavailable } from '../../resilience/downstream';
import { redisKeys, redisNamespace } from '../../state/redisKeys';

export interface RateLimitOptions {
  /** Requests per key per window. */
  limit?: number;
  windowSeconds?: number;
}

const defaults = { limit: Number(process.env.TRIPLANE_RATE_LIMIT ?? 1_000), windowSeconds: Number(process.env.TRIPLANE_RATE_LIMIT_WINDOW_SECONDS ?? 1) };

/** A key's id in Redis: a digest, so neither Redis nor a key listing ever holds an API key. */
export const keyId = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex').slice(0, 24);

/**
 * Per-API-key rate limiting in Redis, a fixed window counter (INCR + EXPIRE in one round trip, shared by
 * every container of every function): past the limit, 429 with `retry-after` until the window ends.
 * Only when API keys are configured. If Redis is unavailable the request goes through: refusing all
 * traffic because the limiter's store is down would turn a Redis incident into a full outage.
 */
export function apiKeyRateLimit(opts: RateLimitOptions = {}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context> {
  const { limit, windowSeconds } = { ...defaults, ...opts };
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`apiKeyRateLimit: limit must be a whole number >= 1, got ${limit}`);
  const keys = redisKeys(redisNamespace());
  const apiKeyRateLimitBefore = async (request: { event: APIGatewayProxyEventV2 }) => {
    if (!process.env.TRIPLANE_API_KEYS) return;
    const given = request.event.headers?.['x-api-key'];
    if (given === undefined) return;
    const nowSeconds = Date.now() / 1000;
    const window = Math.floor(nowSeconds / windowSeconds);
    const key = keys.rateLimit(keyId(given), window);
    let count: number;
    try {
      count = await guardedRedis(async (redis) => {
        const replies = await redis.multi().incr(key).expire(key, windowSeconds + 1).exec();
        return Number(replies?.[0]?.[1] ?? 0);
      });
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
