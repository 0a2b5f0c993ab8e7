import { functionConfig } from '../../config/functionConfig';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { guardedRedis } from '../../clients/redisClient';
import { HttpError } from '../../http/HttpError';
import { isUnavailable } from '../../resilience/downstream';
import { redisNamespace } from '../../state/redisKeys';
import { countRateLimited } from './rateLimitCounter';
import { rateLimitWindow, type RateLimitWindow } from './rateLimitWindow';

export { keyId } from './rateLimitWindow';

export interface RateLimitOptions {
  /** Requests per key per window. */
  limit?: number;
  windowSeconds?: number;
}

/** Read when a handler is made (at module load, as Lambda's environment is), not when this module loads. */
export const rateLimitDefaults = () => ({ limit: functionConfig().TRIPLANE_RATE_LIMIT, windowSeconds: functionConfig().TRIPLANE_RATE_LIMIT_WINDOW_SECONDS });

/**
 * Per-API-key rate limiting in Redis, a fixed window counter (one atomic script, shared by every
 * container of every function): past the limit, 429 with `retry-after` until the window ends. It runs
 * after the key check, so only authenticated requests count. If Redis is unavailable (breaker open,
 * timeout) the request goes through: refusing all traffic because the limiter's store is down would
 * turn a Redis incident into a full outage. A permission error is not unavailability: it is a defect
 * (the function's ACL user lacks a right) and fails the request with a 500, logged and counted.
 */
/** Counts a request in its window and throws the 429 past the limit; an unavailable Redis lets it through (see apiKeyRateLimit). */
export async function countAndRefuseOver(window: RateLimitWindow): Promise<void> {
  let count: number;
  try {
    count = await guardedRedis((redis) => countRateLimited(redis, window.counter, window.ttlSeconds));
  } catch (error) {
    if (isUnavailable(error)) return;
    throw error;
  }
  window.refuseOver(count);
}

export function apiKeyRateLimit(opts: RateLimitOptions = {}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const { limit, windowSeconds } = { ...rateLimitDefaults(), ...opts };
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`apiKeyRateLimit: limit must be a whole number >= 1, got ${limit}`);
  const namespace = redisNamespace();
  const apiKeyRateLimitBefore = async (request: { event: APIGatewayProxyEventV2 }) => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a hand-written event (npm run invoke) may have no headers at all
    const given = request.event.headers?.['x-api-key'];
    // Unreachable behind apiKeys(), which refuses a request without a valid key before this runs.
    if (given === undefined || given === '') throw new HttpError(401, 'a valid x-api-key header is required');
    await countAndRefuseOver(rateLimitWindow(namespace, given, limit, windowSeconds, Date.now()));
  };
  return { before: apiKeyRateLimitBefore };
}
