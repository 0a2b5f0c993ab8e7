import { Redis } from 'ioredis';
import type { RedisMemoryConfig } from './checkRedisMemoryPolicy';
import type { SampledKey } from './checkRedisKeyFamilies';

/**
 * A connection of the doctor's own that tries once: the shared client retries forever by design
 * (a Lambda keeps it for its lifetime), which would turn "Redis is down" into a hang here.
 */
export async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The event carries the real cause (ECONNREFUSED...); connect() itself only says the connection closed.
  let cause: Error | undefined;
  redis.on('error', (error: Error) => {
    cause = error;
  });
  try {
    await redis.connect().catch((error: unknown) => {
      throw cause ?? error;
    });
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function configValue(redis: Redis, name: string): Promise<string> {
  const reply = await redis.call('CONFIG', 'GET', name);
  const value: unknown = Array.isArray(reply) ? reply[1] : undefined;
  if (typeof value !== 'string') throw new Error(`CONFIG GET ${name} answered nothing`);
  return value;
}

/** CONFIG GET maxmemory-policy and maxmemory (ElastiCache refuses CONFIG: the caller reports that apart). */
export async function readMemoryConfig(redis: Redis): Promise<RedisMemoryConfig> {
  const [maxmemoryPolicy, maxmemory] = await Promise.all([configValue(redis, 'maxmemory-policy'), configValue(redis, 'maxmemory')]);
  return { maxmemoryPolicy, maxmemory: Number(maxmemory) };
}

/** Glob characters in a namespace must match literally in SCAN's MATCH. */
const globLiteral = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * Up to `limit` keys of the namespace with their TTL. SCAN (never KEYS) so a large production Redis is
 * not blocked; one pipeline for the TTLs. The scan stops at the limit: the verdict is then about a sample.
 */
export async function sampleNamespaceKeys(redis: Redis, namespace: string, limit: number): Promise<{ keys: SampledKey[]; truncated: boolean }> {
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${globLiteral(namespace)}:*`, 'COUNT', 1_000);
    cursor = next;
    names.push(...batch);
  } while (cursor !== '0' && names.length < limit);
  const keys = [...new Set(names)].slice(0, limit);
  const ttls = (await redis.pipeline(keys.map((key) => ['ttl', key])).exec()) ?? [];
  return {
    keys: keys.map((key, i) => {
      const ttl: unknown = ttls[i]?.[1];
      return { key, ttlSeconds: typeof ttl === 'number' ? ttl : -2 };
    }),
    truncated: cursor !== '0' || names.length > limit,
  };
}

/** The type of each named global inside a Lua script (`table` for a library that is there): one EVAL, no key touched. */
export async function luaGlobalTypes(redis: Redis, names: readonly string[]): Promise<Record<string, string>> {
  const reply = await redis.eval('local t = {} for i, name in ipairs(ARGV) do t[i] = type(_G[name]) end return t', 0, ...names);
  const types = Array.isArray(reply) ? reply : [];
  return Object.fromEntries(names.map((name, i) => [name, typeof types[i] === 'string' ? types[i] : 'not reported']));
}
