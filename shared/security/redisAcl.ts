import type { FunctionRoute } from '../routes/manifest';

/** True for a function that reads or writes Redis at all, and so gets a user of its own. */
export const usesRedis = (fn: Pick<FunctionRoute, 'redis'>): boolean => fn.redis.reads.length + fn.redis.writes.length > 0;

/** One user per function and namespace: systems sharing a Redis under different namespaces each get their own. */
export const redisUserOf = (fn: Pick<FunctionRoute, 'name'>, namespace: string): string => `${namespace}.${fn.name}`;

/**
 * The Redis ACL rules of one function, derived from the key families the manifest says it reads and
 * writes: read routes get read-only key patterns (`%R~`) and read commands only, so a read route
 * cannot write even by mistake; writers get their families, their idempotency marks, and scripting
 * (the atomic apply script), and nothing dangerous (no FLUSHALL, KEYS, CONFIG). The same rules become
 * ElastiCache RBAC access strings when deployed.
 */
export function redisAclRules(fn: Pick<FunctionRoute, 'redis'>, namespace: string): string[] {
  const familyPatterns = (families: string[], readOnly: boolean) =>
    families.flatMap((family) =>
      // Families outside the projections' generations (saga records too: a replay must not reset a saga).
      family === 'idem' || family === 'ratelimit' || family === 'saga'
        ? [`${readOnly ? '%R' : ''}~${namespace}:*${family}:*`]
        : // A family is one key (`flags`) or keys under it (`session:<id>`): both forms, in every generation.
          [`${readOnly ? '%R' : ''}~${namespace}:g*:${family}`, `${readOnly ? '%R' : ''}~${namespace}:g*:${family}:*`],
    );
  const writes = fn.redis.writes;
  const reads = fn.redis.reads.filter((family) => !writes.includes(family));
  const keys = [
    ...familyPatterns(writes, false),
    ...familyPatterns(reads, true),
    // Every reader and projection resolves its generation pointer; no one but a replay moves it.
    ...(writes.length + reads.length > 0 ? [`%R~${namespace}:generation:*`] : []),
  ];
  const commands = ['-@all', '+@connection', '+ping', ...(reads.length + writes.length > 0 ? ['+@read'] : [])];
  if (writes.length > 0) commands.push('+@write', '+evalsha', '+eval', '+script|load', '-@dangerous');
  // INFO is in @dangerous, but clients (ioredis' ready check) need it to connect.
  return ['reset', 'on', ...keys, ...commands, '+info'];
}
