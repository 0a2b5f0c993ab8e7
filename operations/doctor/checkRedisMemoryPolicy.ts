import { fail, pass, type CheckResult } from './checkResult';

export const REDIS_MEMORY_CHECK = 'redis memory policy';

export interface RedisMemoryConfig {
  /** CONFIG GET maxmemory-policy */
  maxmemoryPolicy: string;
  /** CONFIG GET maxmemory, in bytes; 0 means no cap. */
  maxmemory: number;
}

/**
 * Redis holds derived state only, so under memory pressure it must evict (allkeys-lru) rather than
 * refuse the projections' writes (noeviction stalls every consumer), and it needs a cap to evict at:
 * with maxmemory 0 it grows until the host kills it.
 */
export function checkRedisMemoryPolicy(config: RedisMemoryConfig): CheckResult {
  const problems: string[] = [];
  if (config.maxmemoryPolicy !== 'allkeys-lru') problems.push(`maxmemory-policy is ${config.maxmemoryPolicy || '(empty)'}, not allkeys-lru`);
  if (!(config.maxmemory > 0)) problems.push('maxmemory is 0 (no cap: Redis never evicts and grows until the host runs out)');
  if (problems.length === 0) return pass(REDIS_MEMORY_CHECK, `allkeys-lru, maxmemory ${config.maxmemory} bytes`);
  return fail(
    REDIS_MEMORY_CHECK,
    problems.join('; '),
    'redis-cli CONFIG SET maxmemory-policy allkeys-lru; redis-cli CONFIG SET maxmemory 1gb (ElastiCache: the parameter group), or npm run services locally',
  );
}
