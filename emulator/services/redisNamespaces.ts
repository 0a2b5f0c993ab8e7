import type { Redis } from 'ioredis';
import { redisUserOf } from '../../shared/routes/derivedNames';
import { FUNCTIONS } from '../../shared/routes/functionCatalog';
import { usesRedis } from '../../shared/security/redisAcl';

/** Removes every key of `namespace` by SCAN (never KEYS: Redis stays responsive meanwhile). `redis` logs in as the default user. */
export async function deleteNamespaceKeys(redis: Redis, namespace: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 2_000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/**
 * Removes a namespace made for one run (a benchmark, a test file): its keys, then the function users
 * made for it (emulator/services/applyAccessControl). Keys first: the users are no keys a scan could miss.
 */
export async function deleteRedisNamespace(redis: Redis, namespace: string): Promise<void> {
  await deleteNamespaceKeys(redis, namespace);
  await redis.call('ACL', 'DELUSER', ...FUNCTIONS.filter(usesRedis).map((fn) => redisUserOf(fn, namespace)));
}
