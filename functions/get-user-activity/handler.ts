import { facts } from './function';
import { DAYS_SHOWN, type ActivityBody } from './contract';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpReadHandler, readThen } from '../../shared/middleware/http/httpReadHandler';
import { hashRead, valuesRead } from '../../shared/state/generationReads';

/** The last `count` UTC days, newest first, as YYYY-MM-DD. */
export function lastDays(now: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10));
}

/** GET /users/{userId}/activity: total page views, last path, and views per day for the last week. */
export const handler = httpReadHandler(facts.projection, (event, keys) => {
  const userId = pathId(event, 'userId');
  const days = lastDays(new Date(), DAYS_SHOWN);
  return readThen([hashRead(keys.activity(userId)), valuesRead(days.map((day) => keys.activityDay(userId, day)))], ([summary, daily]) => {
    if (summary.pageViews === undefined) throw new HttpError(404, 'no activity recorded for this user', { details: { userId } });
    return jsonResponse(200, {
      userId,
      pageViews: Number(summary.pageViews),
      lastPath: summary.lastPath ?? null,
      lastSeenAt: summary.lastSeenAt ?? null,
      daily: days.map((date, i) => ({ date, views: Number(daily[i] ?? 0) })),
    } satisfies ActivityBody);
  });
});
