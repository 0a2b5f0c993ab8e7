import { facts } from './function';
import type { SessionBody } from './contract';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpReadHandler, readThen } from '../../shared/middleware/http/httpReadHandler';
import { hashRead, ttlRead } from '../../shared/state/generationReads';

/** GET /sessions/{sessionId}: the live session from Redis; 404 once it ended or expired. */
export const handler = httpReadHandler(facts.projection, (event, keys) => {
  const sessionId = pathId(event, 'sessionId');
  const key = keys.session(sessionId);
  return readThen([hashRead(key), ttlRead(key)], ([session, ttl]) => {
    if (session.userId === undefined) throw new HttpError(404, 'session not found (never started, ended or expired)', { details: { sessionId } });
    return jsonResponse(200, {
      sessionId,
      userId: session.userId,
      // The projection writes these with userId, in one HSET (functions/project-sessions).
      startedAt: session.startedAt ?? '',
      lastSeenAt: session.lastSeenAt ?? '',
      ttlSeconds: Number(session.ttlSeconds),
      expiresInSeconds: ttl,
    } satisfies SessionBody);
  });
});
