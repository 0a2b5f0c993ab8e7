import { z } from 'zod';
import { badParameterBody } from '../../shared/http/openApi/errorBodies';
import { defineRouteContract } from '../../shared/http/openApi/routeContract';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 10;

export const leaderboardBody = z.strictObject({ board: z.string(), entries: z.array(z.strictObject({ rank: z.number().int().min(1), userId: z.string(), points: z.number() })) });
export type LeaderboardBody = z.infer<typeof leaderboardBody>;

export const contract = defineRouteContract({
  summary: 'The top of a leaderboard',
  description: 'The top N entries, best first; an empty list for a board nobody scored on.',
  query: {
    limit: { description: `how many entries (default ${DEFAULT_LIMIT})`, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT } },
  },
  responses: {
    200: { description: 'The top entries', body: leaderboardBody },
    400: { description: `A limit that is not a whole number from 1 to ${MAX_LIMIT}, or a bad board name`, body: badParameterBody },
  },
});
