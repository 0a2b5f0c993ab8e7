import { Redis } from 'ioredis';
import { downstream } from '../resilience/downstream';
import { redisCredentials } from './redisCredentials';

let client: Redis | undefined;

/**
 * The process's Redis connection, made on first use and reused by every invocation after it (a
 * connection per invocation would cost a TCP and AUTH handshake on the hot path). Auto-pipelining
 * batches commands issued in the same tick, which is what keeps read p99 low under concurrency.
 */
export function redisClient(): Redis {
  if (client === undefined) {
    client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      ...redisCredentials(),
      enableAutoPipelining: true,
      maxRetriesPerRequest: 2,
      connectTimeout: 2_000,
    });
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
  if (current !== undefined) await current.quit().catch(() => current.disconnect());
}
