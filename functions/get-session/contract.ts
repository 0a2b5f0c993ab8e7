import { z } from 'zod';
import { notFoundBody } from '../../shared/http/openApi/errorBodies';
import { defineRouteContract } from '../../shared/http/openApi/routeContract';

export const sessionBody = z.strictObject({
  sessionId: z.string(),
  userId: z.string(),
  startedAt: z.string(),
  lastSeenAt: z.string(),
  ttlSeconds: z.number().int(),
  /** Redis's TTL: seconds left (-1 for none, -2 when it expired between the two reads). */
  expiresInSeconds: z.number().int(),
});
export type SessionBody = z.infer<typeof sessionBody>;

export const contract = defineRouteContract({
  summary: 'A live session',
  description: 'The session as the sessions projection holds it; it expires `ttlSeconds` after its last start or touch.',
  responses: {
    200: { description: 'The live session', body: sessionBody },
    404: { description: 'Never started, ended or expired', body: notFoundBody('sessionId') },
  },
});
