import { facts } from './function';
import { DEFAULT_LIMIT, MAX_LIMIT, type LeaderboardBody } from './contract';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpReadHandler, readThen } from '../../shared/middleware/http/httpReadHandler';
import { topScoresRead } from '../../shared/state/generationReads';

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
export const handler = httpReadHandler(facts.projection, (event, keys) => {
  const board = pathId(event, 'board');
  const limit = parseLimit(event.queryStringParameters?.limit);
  return readThen([topScoresRead(keys.leaderboard(board), 0, limit - 1)], ([top]) =>
    jsonResponse(200, { board, entries: top.map(({ member, score }, i) => ({ rank: i + 1, userId: member, points: score })) } satisfies LeaderboardBody),
  );
});
