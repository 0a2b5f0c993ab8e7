import { functionConfig } from '../config/functionConfig';
import { Redis } from 'ioredis';
import { downstream } from '../resilience/downstream';
import { redisCredentials } from './redisCredentials';
import { closeOnShutdown } from './sharedClients';

let client: Redis | undefined;

/**
 * The process's Redis connection, made on first use and reused by every invocation after it (a
 * connection per invocation would cost a TCP and AUTH handshake on the hot path). Auto-pipelining
 * batches commands issued in the same tick, which is what keeps read p99 low under concurrency.
 * It logs in as the function's own user: deployed, from its secret (redisCredentials); locally, from
 * the user and password in REDIS_URL, which the local runtime gives each function's worker.
 *
 * ioredis is patched (patches/ioredis+6.0.0.patch, applied by `npm install`): its Pipeline defined
 * `length` on each instance with a getter closing over the pipeline, which gave every pipeline (one per
 * auto-pipelined tick) a hidden class of its own in V8's old space, so each one, its commands and their
 * replies survived young collections (measured: README, read, ninth round).
 */
export function redisClient(): Redis {
  if (client === undefined) {
    client = new Redis(functionConfig().REDIS_URL, {
      ...redisCredentials(),
      enableAutoPipelining: true,
      maxRetriesPerRequest: 2,
      connectTimeout: 2_000,
    });
    closeOnShutdown(closeRedisClient);
  }
  return client;
}

/** A Redis call behind the Redis breaker, bulkhead and deadline-sized timeout. */
export function guardedRedis<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
  return downstream('redis').call(() => fn(redisClient()));
}

export async function closeRedisClient(): Promise<void> {
  const current = client;
  client = undefined;
  await current?.quit().catch(() => current.disconnect());
}
