import type { Redis } from 'ioredis';
import { COUNTED_READ_LUA } from './countedReadScript';
import { encodeReads, type GenerationRead } from './generationReads';
import { evalShaOrEval } from './luaScript';
import { generationPointerKey, generationPrefixParts, type ProjectionName } from './projectionKeys';

const countedReadScript = evalShaOrEval(COUNTED_READ_LUA);

export interface RateLimitCount {
  /** The window's counter key, and its lifetime in seconds. */
  counter: string;
  ttlSeconds: number;
  limit: number;
}

/** The replies of a tuple of reads, each as its read decodes it. */
export type ReadReplies<R extends ReadonlyArray<GenerationRead<unknown>>> = { -readonly [K in keyof R]: R[K] extends GenerationRead<infer V> ? V : never };

/** The count after this request, and the reads' replies; no replies when the count is past the limit (nothing was read). */
export type CountedRead<R extends ReadonlyArray<GenerationRead<unknown>>> = { count: number; over: true } | { count: number; over: false; replies: ReadReplies<R> };

/**
 * Counts a request against its rate limit and runs `reads` in the projection's current generation, in one
 * Redis round trip (one EVALSHA of countedReadScript): the generation pointer costs no round trip of its own.
 */
export async function countedGenerationRead<R extends ReadonlyArray<GenerationRead<unknown>>>(
  redis: Redis,
  options: { namespace: string; projection: ProjectionName; rateLimit: RateLimitCount; reads: R },
): Promise<CountedRead<R>> {
  const { namespace, projection, rateLimit, reads } = options;
  const { head, tail } = generationPrefixParts(namespace, projection);
  const reply = await countedReadScript(
    redis,
    [rateLimit.counter],
    [String(rateLimit.ttlSeconds), String(rateLimit.limit), generationPointerKey(namespace, projection), head, tail, ...encodeReads(reads)],
  );
  const [first, ...raw] = Array.isArray(reply) ? (reply as unknown[]) : [];
  const count = Number(first);
  if (count > rateLimit.limit) return { count, over: true };
  if (!Number.isInteger(count) || raw.length !== reads.length) throw new Error(`the counted read script answered ${raw.length} replies for ${reads.length} reads (count ${String(first)})`);
  return { count, over: false, replies: reads.map((read, i) => read.decode(raw[i])) as ReadReplies<R> };
}
