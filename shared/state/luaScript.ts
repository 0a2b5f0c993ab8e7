import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type LuaScript = (redis: Redis, keys: string[], args: string[]) => Promise<unknown>;

/**
 * A Lua script called by its SHA (EVALSHA), loaded again when Redis answers NOSCRIPT (after a restart,
 * a failover or SCRIPT FLUSH): the body need not cross the wire for every batch.
 */
export function luaScript(lua: string): LuaScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      await redis.script('LOAD', lua);
      return redis.evalsha(sha, keys.length, ...keys, ...args);
    }
  };
}

/**
 * A Lua script called by its SHA, and sent whole (EVAL) once when Redis answers NOSCRIPT (a new or
 * restarted server): no SCRIPT LOAD, so a read route's user needs only EVALSHA and EVAL besides the
 * script's own commands (shared/security/redisAcl).
 */
export function evalShaOrEval(lua: string): LuaScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    }
    return redis.eval(lua, keys.length, ...keys, ...args);
  };
}
