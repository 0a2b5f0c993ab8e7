import { Redis } from 'ioredis';
import { localUsersOf } from '../emulator/runtime/localFunctionUsers';
import { BENCH_NAMESPACE } from './benchEnvironment';
import { localConfig } from '../emulator/config/localConfig';
import { deleteNamespaceKeys, deleteRedisNamespace } from '../emulator/services/redisNamespaces';

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

/** Removes every key of the benchmarks' namespace, keeping its users for the next benchmark. */
export const deleteBenchKeys = (redis: Redis): Promise<number> => deleteNamespaceKeys(redis, BENCH_NAMESPACE);

/** Removes a run's namespace, its keys and its users; a failure to clean up never fails the run. */
export const deleteBenchNamespace = (redis: Redis, namespace: string): Promise<void> => deleteRedisNamespace(redis, namespace).catch(() => undefined);

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
