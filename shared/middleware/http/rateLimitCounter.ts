import type { Redis } from 'ioredis';
import { evalShaOrEval } from '../../state/luaScript';
import { RATE_LIMIT_LUA } from '../../state/rateLimitScript';

const rateLimitScript = evalShaOrEval(RATE_LIMIT_LUA);

/** Runs the rate-limit script (EVALSHA, EVAL once on NOSCRIPT): the count of `key`'s window after this request. */
export async function countRateLimited(redis: Redis, key: string, ttlSeconds: number): Promise<number> {
  return Number(await rateLimitScript(redis, [key], [String(ttlSeconds)]));
}
