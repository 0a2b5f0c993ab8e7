import { Redis } from 'ioredis';
import { localUsersOf } from '../emulator/runtime/localFunctionUsers';
import { BENCH_NAMESPACE } from './benchEnvironment';
import { localConfig } from '../emulator/config/localConfig';
import { FUNCTIONS } from '../shared/routes/functionCatalog';
import { redisUserOf } from '../shared/routes/derivedNames';
import { usesRedis } from '../shared/security/redisAcl';

/**
 * A Redis connection for the baselines and the watchers, with the same options as triplane's own
 * client (auto-pipelining on): a baseline with other client settings would measure the settings, not
 * triplane's code.
 */
export const benchRedis = (db = 0): Redis => new Redis(localConfig().REDIS_URL, { db, enableAutoPipelining: true, maxRetriesPerRequest: 2 });

/**
 * A connection logged in as a function's own Redis user, as that function
 * runs (runBenchmarks makes the users for the benchmarks' namespace first): triplane's side of a
 * benchmark runs under the same ACL rules as deployed, while baselines stay on the default user.
 */
export function benchRedisAsFunction(fn: Parameters<typeof localUsersOf>[0]): Redis {
  const user = localUsersOf(fn).redis;
  if (user === undefined) throw new Error(`${fn.name} has no Redis user`);
  return new Redis(localConfig().REDIS_URL, { username: user.username, password: user.password, enableAutoPipelining: true, maxRetriesPerRequest: 2 });
}

/** Removes every key of the benchmarks' namespace (SCAN, never KEYS: Redis stays responsive meanwhile). */
export async function deleteBenchKeys(redis: Redis, pattern = `${BENCH_NAMESPACE}:*`): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2_000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Removes a run's namespace: its keys, then the function users made for it (the keys first: a user deleted mid-scan is not one of these). */
export async function deleteBenchNamespace(redis: Redis, namespace: string): Promise<void> {
  await deleteBenchKeys(redis, `${namespace}:*`).catch(() => undefined);
  await redis.call('ACL', 'DELUSER', ...FUNCTIONS.filter(usesRedis).map((fn) => redisUserOf(fn, namespace))).catch(() => undefined);
}

/** Deletes known keys in chunks: faster than a SCAN when the benchmark knows exactly what it wrote. */
export async function deleteKeys(redis: Redis, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 5_000) {
    const chunk = keys.slice(i, i + 5_000);
    if (chunk.length > 0) await redis.unlink(...chunk);
  }
}

/**
 * The baselines' projection: what project-leaderboards does with no triplane code, parsing each
 * record's envelope and writing ZINCRBY in one pipeline per Kafka batch. Returns how many it applied.
 */
export async function applyScoresBare(redis: Redis, leaderboardKey: (board: string) => string, messages: ReadonlyArray<{ value: Buffer | null }>): Promise<number> {
  const pipeline = redis.pipeline();
  for (const message of messages) {
    const { data } = JSON.parse(message.value?.toString('utf8') ?? '{}') as { data: { board: string; userId: string; points: number } };
    pipeline.zincrby(leaderboardKey(data.board), data.points, data.userId);
  }
  await pipeline.exec();
  return messages.length;
}
