import { Redis } from 'ioredis';
import { localConfig } from '../emulator/config/localConfig';
import { applyRedisUsers } from '../emulator/services/applyAccessControl';
import { deleteRedisNamespace } from '../emulator/services/redisNamespaces';

/**
 * A Redis namespace of one test file's own, with its per-function ACL users. The shared `tptest`
 * namespace is also where every test runtime projects the topics from their start (a fresh consumer
 * group each): a test that hands a function records of its own making, with fixed ids (the sample
 * events), would otherwise meet the marks those runtimes made for the same ids from the real records,
 * and see its records refused as ids reused with different content.
 *
 * Set before any handler module loads: `setEnvironment({ TRIPLANE_REDIS_NAMESPACE: namespace.name })`.
 */
export class PrivateNamespace {
  readonly name: string;

  constructor(prefix: string) {
    this.name = `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}`;
  }

  async create(): Promise<void> {
    await applyRedisUsers(localConfig().REDIS_URL, this.name);
  }

  async delete(): Promise<void> {
    const redis = new Redis(localConfig().REDIS_URL);
    try {
      await deleteRedisNamespace(redis, this.name);
    } finally {
      redis.disconnect();
    }
  }
}
