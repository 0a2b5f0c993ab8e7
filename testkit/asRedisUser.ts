import { localConfig, setEnvironment } from '../emulator/config/localConfig';
import { urlAsUser } from '../emulator/runtime/localFunctionUsers';
import { closeRedisClient } from '../shared/clients/redisClient';
import type { UserSecret } from '../shared/clients/userSecret';

/**
 * Runs `run` in this test process as a function logged in to Redis as `user`: a process is one function
 * (as on Lambda, and in the local runtime's workers), so its Redis client is replaced by one whose
 * REDIS_URL carries the user, and dropped again after. Calls must not overlap.
 */
export async function asRedisUser<T>(user: UserSecret, run: () => Promise<T>): Promise<T> {
  const before = localConfig().REDIS_URL;
  await closeRedisClient();
  setEnvironment({ REDIS_URL: urlAsUser(before, user) });
  try {
    return await run();
  } finally {
    await closeRedisClient();
    setEnvironment({ REDIS_URL: before });
  }
}
