import { keyFamilyOf } from '../../shared/state/redisKeys';
import { fail, listSome, pass, warn, type CheckResult } from './checkResult';
import type { KeyFamilyPolicy } from './checkProjectionWrites';

export const REDIS_KEYS_CHECK = 'redis keys by family';

/**
 * Families no function declares as a projection write: the middleware's own (idempotency marks,
 * generation pointers) and the sandbox providers' books, which stand in for the outside world.
 */
export const BOOKKEEPING_FAMILIES: readonly string[] = ['idem', 'generation', 'sandbox'];

export interface SampledKey {
  key: string;
  /** TTL as Redis answers it: seconds left, -1 for no expiry (-2, gone since the scan, is skipped). */
  ttlSeconds: number;
}

export interface RedisKeysInput {
  namespace: string;
  keys: readonly SampledKey[];
  /** Every family some function.ts declares in `redis.writes`. */
  declaredFamilies: readonly string[];
  keyFamilies: Readonly<Record<string, KeyFamilyPolicy>>;
  /** True when the scan stopped at its limit: the verdict is about a sample. */
  truncated: boolean;
}

/**
 * What is really in Redis under the namespace: every key must belong to a family some function.ts lets
 * some function write (else something writes outside the projections), and a `ttl` family key without
 * an expiry is the memory leak rule 2 exists to prevent. Keys of no family at all may belong to
 * someone sharing the namespace: a warning, not a verdict.
 */
export function checkRedisKeyFamilies(input: RedisKeysInput): CheckResult {
  const allowed = new Set([...input.declaredFamilies, ...BOOKKEEPING_FAMILIES]);
  const foreign: string[] = [];
  const undeclared: string[] = [];
  const withoutTtl: string[] = [];
  for (const { key, ttlSeconds } of input.keys) {
    if (ttlSeconds === -2) continue;
    const family = keyFamilyOf(input.namespace, key);
    if (family === undefined) foreign.push(key);
    else if (!allowed.has(family)) undeclared.push(`${key} (${family})`);
    else if (input.keyFamilies[family] === 'ttl' && ttlSeconds === -1) withoutTtl.push(key);
  }
  const scope = `${input.keys.length} keys${input.truncated ? ' (a sample)' : ''} under ${input.namespace}:`;
  const failures = [
    ...(withoutTtl.length > 0 ? [`${withoutTtl.length} ttl-family keys without TTL: ${listSome(withoutTtl)}`] : []),
    ...(undeclared.length > 0 ? [`${undeclared.length} keys of families no function declares: ${listSome(undeclared)}`] : []),
  ];
  if (failures.length > 0) {
    return fail(
      REDIS_KEYS_CHECK,
      `${scope} ${failures.join('; ')}`,
      'find the writer (every write must go through a projection with an expiry or a rebuildable family); delete or EXPIRE the leaked keys; declare the family in the manifest redis.writes',
    );
  }
  if (foreign.length > 0) {
    return warn(
      REDIS_KEYS_CHECK,
      `${scope} ${foreign.length} keys of no triplane family: ${listSome(foreign)}`,
      `move other users of this Redis off the ${input.namespace}: prefix (or triplane: TRIPLANE_REDIS_NAMESPACE), or delete the keys`,
    );
  }
  return pass(REDIS_KEYS_CHECK, `${scope} all of declared families, ttl families all expiring`);
}
