import { facts } from './function';
import { DEFAULT_LIMIT, MAX_LIMIT, type LeaderboardBody } from './contract';
import { guardedRedis, redisClient } from '../../shared/clients/redisClient';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpHandler } from '../../shared/middleware/http/httpHandler';
import { projectionKeys } from '../../shared/state/projectionKeys';
import { redisNamespace } from '../../shared/state/redisKeys';

const namespace = redisNamespace();
export { MAX_LIMIT };

/** The `limit` query parameter: absent means the default; anything else (`?limit=` too) is a whole number from 1 to MAX_LIMIT, else 400. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) {
    throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_LIMIT}`, { details: { field: 'limit' } });
  }
  return limit;
}

/** GET /leaderboards/{board}?limit=N: the top N (default 10) with rank, userId and points. */
export const handler = httpHandler(async (event) => {
  const keys = await projectionKeys(redisClient(), namespace, facts.projection);
  const board = pathId(event, 'board');
  const limit = parseLimit(event.queryStringParameters?.limit);
  const flat = await guardedRedis((redis) => redis.zrevrange(keys.leaderboard(board), 0, limit - 1, 'WITHSCORES'));
  const entries: LeaderboardBody['entries'] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ rank: i / 2 + 1, userId: flat[i] ?? '', points: Number(flat[i + 1]) });
  return jsonResponse(200, { board, entries } satisfies LeaderboardBody);
});
