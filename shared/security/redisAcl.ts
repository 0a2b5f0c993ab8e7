import type { FunctionFacts } from '../routes/functionFacts';
import { generationPointerKey, MAX_GENERATION_DIGITS, type ProjectionName } from '../state/projectionKeys';

/** True for a function that reads or writes Redis at all, and so gets a user of its own. */
export const usesRedis = (fn: Pick<FunctionFacts, 'redis'>): boolean => fn.redis.reads.length + fn.redis.writes.length > 0;

/** Glob-escapes a literal (namespaces and family names are plain words, but a rule must never widen by accident). */
const literal = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * The key prefixes of a projection's generations, `<ns>:g<N>-<projection>`, one pattern per digit
 * count: a glob `*` also matches ':', so `<ns>:g*:session:*` would reach `<ns>:g1-flags:flags:x:session:y`
 * shapes and, worse, any family whose id happened to contain the family name.
 */
const generationPrefixes = (namespace: string, projection: string): string[] =>
  Array.from({ length: MAX_GENERATION_DIGITS }, (_, i) => `${literal(namespace)}:g${'[0-9]'.repeat(i + 1)}-${literal(projection)}`);

type AclFunction = Pick<FunctionFacts, 'name' | 'redis' | 'projection'>;

/** How many digits of a generation a key pattern takes (`g[0-9][0-9]-` is 2); 0 for a pattern outside the generations. */
const generationDigitsOf = (rule: string): number => rule.split('[0-9]').length - 1;

/**
 * The same key rules, in the order Redis should try them. Redis matches every key of every command
 * (each redis.call inside the apply script included) against a user's patterns one after the other
 * until one matches (ACLSelectorCheckKey), so the order changes no verdict, only the time a verdict
 * takes. Keys live in small generations (g1, g2, ...), so the one-digit patterns of every family go
 * first, then the two-digit ones, and so on; within a digit count a family's `:*` pattern (the keys
 * with an id) before its bare key. Before, project-leaderboards' marks were tried against the 8
 * leaderboard patterns of every digit count first: a batch of 500 `SET NX GET EX` marks from Lua took
 * Redis 1.15 ms as its user, 0.91 ms in this order, 0.79 ms as the default user (minimum of 30 each,
 * one script of 500 marks, TIME inside it).
 */
const inMatchingOrder = (rules: readonly string[]): string[] =>
  rules
    .map((rule, at) => ({ rule, at, digits: generationDigitsOf(rule), bare: rule.endsWith('*') ? 0 : 1 }))
    .sort((a, b) => a.digits - b.digits || a.bare - b.bare || a.at - b.at)
    .map(({ rule }) => rule);

/**
 * The key patterns of one family for one function, exact: every pattern starts with the namespace and
 * the family's fixed position, so it can only match keys of that family (redisKeys, keyFamilyOf).
 * - `ratelimit` is global: `<ns>:ratelimit:*`.
 * - `idem` is the function's own marks only, `...:idem:<function>:*`, in its projection's generations
 *   when it has one (projections keep their marks in the generation), else at the namespace.
 * - any other family lives in the function's projection generations: the key itself (`flags`) or keys
 *   under it (`session:<id>`).
 */
function familyPatterns(fn: AclFunction, namespace: string, family: string, functions: readonly AclFunction[]): string[] {
  if (family === 'ratelimit') return [`${literal(namespace)}:ratelimit:*`];
  if (family === 'idem') {
    const prefixes = fn.projection === undefined ? [literal(namespace)] : generationPrefixes(namespace, fn.projection);
    return prefixes.map((prefix) => `${prefix}:idem:${literal(fn.name)}:*`);
  }
  // Saga records live outside the projections' generations: a replay must never reset a saga.
  if (family === 'saga') return [`${literal(namespace)}:saga:*`];
  const holder = holdingProjectionOf(fn, family, functions);
  return generationPrefixes(namespace, holder).flatMap((prefix) => [`${prefix}:${literal(family)}`, `${prefix}:${literal(family)}:*`]);
}

/** The projection whose generations hold `family`: the function's own, or the one that writes it (the saga's starter reads the order view). */
function holdingProjectionOf(fn: AclFunction, family: string, functions: readonly AclFunction[]): ProjectionName {
  if (fn.projection !== undefined) return fn.projection;
  const writer = functions.find((other) => other.projection !== undefined && other.redis.writes.includes(family));
  if (writer?.projection === undefined) throw new Error(`${fn.name} touches Redis family ${family}, which no projection holds`);
  return writer.projection;
}

/** The generation pointers a function resolves: its own projection's, and those of families it reads from another projection. */
function generationPointersOf(fn: AclFunction, functions: readonly AclFunction[]): ProjectionName[] {
  const families = [...fn.redis.reads, ...fn.redis.writes].filter((family) => !['idem', 'ratelimit', 'saga'].includes(family));
  return [...new Set([...(fn.projection === undefined ? [] : [fn.projection]), ...families.map((family) => holdingProjectionOf(fn, family, functions))])];
}

/**
 * What the rate-limit script runs (shared/state/rateLimitScript): the only writes a function limited to
 * `ratelimit` needs. A read route runs the same count inside its read script (shared/state/countedReadScript),
 * whose reads need nothing more than `+@read` on its read families and generation pointer: Redis checks
 * every redis.call of a script against the caller's user.
 */
const RATE_LIMIT_COMMANDS = ['+evalsha', '+eval', '+incr', '+expire'];

/**
 * The Redis ACL rules of one function, derived from the key families its function.ts says it reads and
 * writes: read families get read-only key patterns (`%R~`), so a read route cannot write them even by
 * mistake; a function whose only write is the rate-limit counter gets exactly the rate-limit script's
 * commands; projections and steps get @write (their atomic apply script runs arbitrary data commands)
 * minus everything dangerous (no FLUSHALL, KEYS, CONFIG). The same rules become ElastiCache RBAC access
 * strings when deployed (deploy/renderRedisUsers).
 */
export function redisAclRules(fn: AclFunction, namespace: string, functions: readonly AclFunction[]): string[] {
  const writes = fn.redis.writes;
  const reads = fn.redis.reads.filter((family) => !writes.includes(family));
  const keys = inMatchingOrder([
    ...writes.flatMap((family) => familyPatterns(fn, namespace, family, functions).map((pattern) => `~${pattern}`)),
    ...reads.flatMap((family) => familyPatterns(fn, namespace, family, functions).map((pattern) => `%R~${pattern}`)),
    // Every reader and projection resolves its generation pointer; no one but a replay (as admin) moves it.
    ...generationPointersOf(fn, functions).map((projection) => `%R~${literal(generationPointerKey(namespace, projection))}`),
  ]);
  const commands = ['-@all', '+@connection', '+ping'];
  if (reads.length > 0 || fn.projection !== undefined) commands.push('+@read');
  const dataWrites = writes.filter((family) => family !== 'ratelimit');
  if (dataWrites.length > 0) commands.push('+@read', '+@write', '+evalsha', '+eval', '+script|load');
  else if (writes.includes('ratelimit')) commands.push(...RATE_LIMIT_COMMANDS);
  // Key patterns do not restrict KEYS, SCAN or RANDOMKEY: they list every key name (session ids among
  // them), so nobody gets them. @dangerous also takes FLUSHALL, CONFIG, DEBUG, CLIENT KILL/LIST/PAUSE.
  // FUNCTION is in @write but not @dangerous, and FUNCTION FLUSH would drop every library: nobody
  // uses Redis functions, so nobody gets FUNCTION (found by test/integration/aclDenials).
  commands.push('-@dangerous', '-scan', '-randomkey', '-function', '-script|flush', '-script|kill');
  // INFO is in @dangerous, but clients (ioredis' ready check) need it to connect.
  return ['reset', 'on', ...keys, ...[...new Set(commands)], '+info'];
}
