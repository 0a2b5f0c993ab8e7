import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { guardedRedis } from '../../clients/redisClient';
import { countedGenerationRead, type ReadReplies } from '../../state/countedGenerationRead';
import type { GenerationRead } from '../../state/generationReads';
import { generationRelativeKeys, type ProjectionName } from '../../state/projectionKeys';
import type { RedisKeys } from '../../state/redisKeys';
import { redisNamespace } from '../../state/redisKeys';
import { countAndRefuseOver, rateLimitDefaults } from './apiKeyRateLimit';
import { httpHandler } from './httpHandler';
import { rateLimitWindow } from './rateLimitWindow';

/** What a read route reads (in its projection's current generation), and how it answers from the replies. */
export interface ReadPlan<R extends ReadonlyArray<GenerationRead<unknown>>> {
  reads: R;
  answer(replies: ReadReplies<R>): APIGatewayProxyStructuredResultV2;
}

/** A read plan, typed from its reads: `answer` gets each read's decoded reply, in order. */
export const readThen = <const R extends ReadonlyArray<GenerationRead<unknown>>>(reads: R, answer: (replies: ReadReplies<R>) => APIGatewayProxyStructuredResultV2): ReadPlan<R> => ({ reads, answer });

/**
 * The handler of a read route (GET, reading one projection): API keys, rate limit and JSON errors as
 * httpHandler, and the whole Redis work of a request in one round trip: the rate-limit count, the
 * projection's generation pointer and the reads, in one script call (shared/state/countedReadScript),
 * so a replay's switch is seen at once. `plan` validates the request (throwing an HttpError) and names
 * the reads, with keys relative to the generation (`keys.leaderboard(board)`).
 * If Redis is unavailable the request fails with a 503, as the read itself could not be made.
 *
 * @example
 * export const handler = httpReadHandler('flags', (event, keys) => readThen([hashRead(keys.flags())], ([flags]) => jsonResponse(200, flags)));
 */
export function httpReadHandler(projection: ProjectionName, plan: (event: APIGatewayProxyEventV2, keys: RedisKeys) => ReadPlan<ReadonlyArray<GenerationRead<unknown>>>) {
  const namespace = redisNamespace();
  const { limit, windowSeconds } = rateLimitDefaults();
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`httpReadHandler: the rate limit must be a whole number >= 1, got ${limit}`);
  return httpHandler(
    async (event) => {
      // apiKeys() ran first: the header holds one of the keys.
      const window = rateLimitWindow(namespace, event.headers['x-api-key'] ?? '', limit, windowSeconds, Date.now());
      let planned: ReadPlan<ReadonlyArray<GenerationRead<unknown>>>;
      try {
        planned = plan(event, generationRelativeKeys);
      } catch (error) {
        // A request refused for its input still counts, and past the limit is a 429 whatever else is wrong, as on every other route.
        await countAndRefuseOver(window);
        throw error;
      }
      const read = await guardedRedis((redis) => countedGenerationRead(redis, { namespace, projection, rateLimit: window, reads: planned.reads }));
      if (read.over) throw window.tooMany();
      return planned.answer(read.replies);
    },
    { rateLimit: 'in-work' },
  );
}
