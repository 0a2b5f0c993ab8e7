import type { Redis } from 'ioredis';
import { downstream } from '../resilience/downstream';
import { redisKeys, type RedisKeys } from './redisKeys';

/**
 * Each projection lives in a generation: its keys are prefixed `<ns>:g<N>-<projection>:`, and a pointer key says
 * which generation reads and live writes use. A replay builds generation N+1 beside N while N keeps
 * serving, then moves the pointer: readers switch at once and never see a half-built projection.
 * The idempotency marks live in the generation too, so a replay applies every event again to the new
 * generation however often the old one saw it.
 */
export const PROJECTIONS = ['sessions', 'flags', 'leaderboards', 'activity', 'orders'] as const;
export type ProjectionName = (typeof PROJECTIONS)[number];

/**
 * The highest generation number: the ACL key patterns spell a generation out digit by digit
 * (`g[0-9]-`, `g[0-9][0-9]-`, ...), because a Redis glob `*` would also match ':' and so reach into
 * other families. Four digits allow 9,999 replays of one projection; a replay past it is refused.
 */
export const MAX_GENERATION_DIGITS = 4;
export const MAX_GENERATION = 10 ** MAX_GENERATION_DIGITS - 1;

export const generationPointerKey = (namespace: string, projection: ProjectionName): string => `${namespace}:generation:${projection}`;

/**
 * The projection's name is part of the prefix: generations are numbered per projection, so replaying
 * one projection (and removing its old generation) must never touch another's keys.
 */
export const generationNamespace = (namespace: string, projection: ProjectionName, generation: number): string => {
  const { head, tail } = generationPrefixParts(namespace, projection);
  return `${head}${generation}${tail}`;
};

/**
 * What stands before and after the generation number in a generation's namespace: the read script
 * (shared/state/countedReadScript) puts the generation it reads from the pointer between them, so the
 * key layout keeps this one home.
 */
export const generationPrefixParts = (namespace: string, projection: ProjectionName): { head: string; tail: string } => ({ head: `${namespace}:g`, tail: `-${projection}` });

/** Keys relative to a generation's namespace (`:leaderboard:b`): a key of generation N is generationNamespace(N) followed by one of these. */
export const generationRelativeKeys: RedisKeys = redisKeys('');

export async function currentGeneration(redis: Redis, namespace: string, projection: ProjectionName): Promise<number> {
  const stored = await downstream('redis').call(() => redis.get(generationPointerKey(namespace, projection)));
  const generation = Number(stored ?? 0);
  return Number.isInteger(generation) && generation >= 0 ? generation : 0;
}

/** The keys of a projection's current generation: one GET per batch or request, so a switch is seen at once. */
export async function projectionKeys(redis: Redis, namespace: string, projection: ProjectionName): Promise<RedisKeys> {
  return redisKeys(generationNamespace(namespace, projection, await currentGeneration(redis, namespace, projection)));
}
