import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type LuaScript = (redis: Redis, keys: string[], args: string[]) => Promise<unknown>;

/** Calls `lua` by its SHA (EVALSHA), and answers Redis' NOSCRIPT (a new or restarted server, a failover, SCRIPT FLUSH) with `whenUnknown`. */
function bySha(lua: string, whenUnknown: (sha: string) => LuaScript): LuaScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  const unknown = whenUnknown(sha);
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
    }
    return unknown(redis, keys, args);
  };
}

/** A Lua script called by its SHA, loaded again (SCRIPT LOAD) when Redis answers NOSCRIPT: the body need not cross the wire for every batch. */
export const luaScript = (lua: string): LuaScript =>
  bySha(lua, (sha) => async (redis, keys, args) => {
    await redis.script('LOAD', lua);
    return redis.evalsha(sha, keys.length, ...keys, ...args);
  });

/**
 * A Lua script called by its SHA, and sent whole (EVAL) once when Redis answers NOSCRIPT: no SCRIPT
 * LOAD, so a read route's user needs only EVALSHA and EVAL besides the script's own commands
 * (shared/security/redisAcl).
 */
export const evalShaOrEval = (lua: string): LuaScript => bySha(lua, () => (redis, keys, args) => redis.eval(lua, keys.length, ...keys, ...args));
