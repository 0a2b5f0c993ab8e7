import { z } from 'zod';
import { notFoundBody } from '../../shared/http/openApi/errorBodies';
import { defineRouteContract } from '../../shared/http/openApi/routeContract';

export const DAYS_SHOWN = 7;

export const activityBody = z.strictObject({
  userId: z.string(),
  pageViews: z.number().int(),
  lastPath: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  /** The last days (UTC), newest first. */
  daily: z.array(z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), views: z.number().int() })).length(DAYS_SHOWN),
});
export type ActivityBody = z.infer<typeof activityBody>;

export const contract = defineRouteContract({
  summary: "A user's page views",
  description: `Total page views, the last path and when, and views per day for the last ${DAYS_SHOWN} days (UTC).`,
  responses: {
    200: { description: 'The activity', body: activityBody },
    404: { description: 'No page view recorded for this user', body: notFoundBody('userId') },
  },
});
