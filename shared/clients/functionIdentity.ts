import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserSecret } from './userSecret';

/**
 * The Redis user the code running now acts as. On Lambda a process is one function, whose user comes
 * from its secret (redisCredentials). The local runtime runs every function in one process, so it
 * says per invocation which function's user is calling: each logs in to Redis as itself.
 */
const identities = new AsyncLocalStorage<UserSecret>();

export function runAsRedisUser<T>(user: UserSecret, fn: () => T): T {
  return identities.run(user, fn);
}

export const currentRedisUser = (): UserSecret | undefined => identities.getStore();
