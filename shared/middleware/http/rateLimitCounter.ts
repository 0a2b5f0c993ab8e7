import type { Redis } from 'ioredis';
import { RATE_LIMIT_LUA } from '../../state/rateLimitScript';
import { createHash } from 'node:crypto';

const SHA = createHash('sha1').update(RATE_LIMIT_LUA).digest('hex');

/**
 * Runs the rate-limit script: EVALSHA (the body need not cross the wire on every request), and EVAL
 * once when this Redis has not cached the script yet (NOSCRIPT: a new or restarted server). No SCRIPT
 * LOAD, so the function's user needs only EVALSHA and EVAL besides the script's own two commands.
 */
export async function countRateLimited(redis: Redis, key: string, ttlSeconds: number): Promise<number> {
  try {
    return Number(await redis.evalsha(SHA, 1, key, String(ttlSeconds)));
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
  }
  return Number(await redis.eval(RATE_LIMIT_LUA, 1, key, String(ttlSeconds)));
}
