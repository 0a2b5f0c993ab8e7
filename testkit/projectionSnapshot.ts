import type { Redis } from 'ioredis';

/**
 * Every key of every projection generation in a namespace, with its type, value and absolute expiry,
 * named without the generation prefix, so two generations (or before and after a rebuild) compare
 * key by key. Idempotency marks and generation pointers are bookkeeping, not state, and are left out.
 */
export async function projectionSnapshot(redis: Redis, namespace: string): Promise<Record<string, unknown>> {
  const snapshot: Record<string, unknown> = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:g[0-9]*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const name = key.replace(new RegExp(`^${namespace}:g\\d+-[a-z]+:`), '');
      if (name.startsWith('idem:')) continue;
      const type = await redis.type(key);
      const value = type === 'hash' ? await redis.hgetall(key) : type === 'zset' ? await redis.zrange(key, '0', '-1', 'WITHSCORES') : type === 'string' ? await redis.get(key) : `(${type})`;
      snapshot[name] = { type, value, expiresAt: await redis.call('EXPIRETIME', key) };
    }
  } while (cursor !== '0');
  return snapshot;
}
