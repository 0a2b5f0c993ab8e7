import { functionConfig, type FunctionConfig } from '../config/functionConfig';
/**
 * Every Redis key triplane writes, in one place, so the projections, the read routes and the checks
 * agree on names. `namespace` lets several systems (or test runs) share one Redis without clashing.
 * Ids inside keys are limited to SAFE_ID_PATTERN (no ':'), so no id can pose as another key.
 */
function keysOf(namespace: string) {
  return {
    session: (sessionId: string) => `${namespace}:session:${sessionId}`,
    flags: () => `${namespace}:flags`,
    leaderboard: (board: string) => `${namespace}:leaderboard:${board}`,
    activity: (userId: string) => `${namespace}:activity:${userId}`,
    activityDay: (userId: string, day: string) => `${namespace}:activity-day:${userId}:${day}`,
    order: (orderId: string) => `${namespace}:order:${orderId}`,
    idempotency: (consumer: string, eventId: string) => `${namespace}:idem:${consumer}:${eventId}`,
    rateLimit: (keyId: string, window: number) => `${namespace}:ratelimit:${keyId}:${window}`,
    /** An order's saga record (shared/workflow/saga): outside the projections' generations, so a replay never resets it. */
    saga: (orderId: string) => `${namespace}:saga:${orderId}`,
    /** The sandbox providers' books (shared/workflow/sandbox): the outside world's record, kept apart from triplane's state by its family. */
    sandbox: (...parts: string[]) => `${namespace}:sandbox:${parts.join(':')}`,
  };
}

export type RedisKeys = ReturnType<typeof keysOf>;

const built = new Map<string, RedisKeys>();
/** Enough for every generation a process meets; past it the cache starts over (tests make many namespaces). */
const MAX_NAMESPACES = 64;

/**
 * The key builders of a namespace, built once per namespace: a provider call, a claim and each
 * projected record ask for them, and building the object (ten closures, each named by tsx's and
 * esbuild's keepNames with a defineProperty) was ~0.5% of a workflow step's and project-orders' CPU.
 */
export function redisKeys(namespace: string): RedisKeys {
  let keys = built.get(namespace);
  if (keys === undefined) {
    if (built.size >= MAX_NAMESPACES) built.clear();
    keys = keysOf(namespace);
    built.set(namespace, keys);
  }
  return keys;
}

/**
 * How each key family stays within rule 2 (Redis holds derived state only): `ttl` keys always get an
 * expiry when written; `rebuildable` keys have none but are rebuilt exactly by replaying their topic;
 * `pointer` keys are the generation pointers themselves. The doctor checks writes against this.
 */
export const KEY_FAMILIES = {
  session: 'ttl',
  'activity-day': 'ttl',
  idem: 'ttl',
  ratelimit: 'ttl',
  saga: 'ttl',
  sandbox: 'ttl',
  flags: 'rebuildable',
  leaderboard: 'rebuildable',
  activity: 'rebuildable',
  order: 'rebuildable',
  generation: 'pointer',
} as const;

export type KeyFamily = keyof typeof KEY_FAMILIES;

/** The family of a key of a namespace (`tp:g3-sessions:session:abc` -> `session`), or undefined for a foreign key. */
export function keyFamilyOf(namespace: string, key: string): KeyFamily | undefined {
  if (!key.startsWith(`${namespace}:`)) return undefined;
  const parts = key.slice(namespace.length + 1).split(':');
  const family = /^g\d+(-[a-z]+)?$/.test(parts[0] ?? '') ? parts[1] : parts[0];
  return family !== undefined && family in KEY_FAMILIES ? (family as KeyFamily) : undefined;
}

export const DEFAULT_NAMESPACE = 'tp';

/**
 * The tests' profile has a namespace of its own, so a test never touches what `npm start` serves. A
 * caller that already read the configuration passes it (a per-record path reads it once, not twice).
 */
export const redisNamespace = (config: Pick<FunctionConfig, 'TRIPLANE_REDIS_NAMESPACE' | 'TRIPLANE_PROFILE'> = functionConfig()): string =>
  config.TRIPLANE_REDIS_NAMESPACE ?? (config.TRIPLANE_PROFILE === 'test' ? 'tptest' : DEFAULT_NAMESPACE);
