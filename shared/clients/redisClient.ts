import { functionConfig } from '../config/functionConfig';
import { Redis } from 'ioredis';
import { downstream } from '../resilience/downstream';
import { currentRedisUser } from './functionIdentity';
import { redisCredentials } from './redisCredentials';

let client: Redis | undefined;
/** The local runtime's connections, one per function user (see functionIdentity). */
const asUsers = new Map<string, Redis>();

const connectAs = (credentials: { username: string; password: string } | undefined): Redis =>
  new Redis(functionConfig().REDIS_URL, {
    ...credentials,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 2_000,
  });

/**
 * The process's Redis connection, made on first use and reused by every invocation after it (a
 * connection per invocation would cost a TCP and AUTH handshake on the hot path). Auto-pipelining
 * batches commands issued in the same tick, which is what keeps read p99 low under concurrency.
 * Inside the local runtime's per-function identity, the connection of that function's own user.
 */
export function redisClient(): Redis {
  const user = currentRedisUser();
  if (user !== undefined) {
    let own = asUsers.get(user.username);
    if (own === undefined) {
      own = connectAs(user);
      asUsers.set(user.username, own);
    }
    return own;
  }
  client ??= connectAs(redisCredentials());
  return client;
}

/** A Redis call behind the Redis breaker, bulkhead and deadline-sized timeout. */
export function guardedRedis<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
  return downstream('redis').call(() => fn(redisClient()));
}

export async function closeRedisClient(): Promise<void> {
  const all = [...(client === undefined ? [] : [client]), ...asUsers.values()];
  client = undefined;
  asUsers.clear();
  await Promise.all(all.map((current) => current.quit().catch(() => current.disconnect())));
}
