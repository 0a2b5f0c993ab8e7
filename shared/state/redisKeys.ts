/**
 * Every Redis key triplane writes, in one place, so the projections, the read routes and the checks
 * agree on names. `namespace` lets several systems (or test runs) share one Redis without clashing.
 * Ids inside keys are limited to SAFE_ID_PATTERN (no ':'), so no id can pose as another key.
 */
export function redisKeys(namespace: string) {
  return {
    session: (sessionId: string) => `${namespace}:session:${sessionId}`,
    flags: () => `${namespace}:flags`,
    leaderboard: (board: string) => `${namespace}:leaderboard:${board}`,
    activity: (userId: string) => `${namespace}:activity:${userId}`,
    activityDay: (userId: string, day: string) => `${namespace}:activity-day:${userId}:${day}`,
    order: (orderId: string) => `${namespace}:order:${orderId}`,
    idempotency: (consumer: string, eventId: string) => `${namespace}:idem:${consumer}:${eventId}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

export const DEFAULT_NAMESPACE = 'tp';

export const redisNamespace = (): string => process.env.TRIPLANE_REDIS_NAMESPACE ?? DEFAULT_NAMESPACE;
