import { facts } from './function';
import type { SessionBody } from './contract';
import { guardedRedis, redisClient } from '../../shared/clients/redisClient';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpHandler } from '../../shared/middleware/http/httpHandler';
import { projectionKeys } from '../../shared/state/projectionKeys';
import { redisNamespace } from '../../shared/state/redisKeys';

const namespace = redisNamespace();

/** GET /sessions/{sessionId}: the live session from Redis; 404 once it ended or expired. */
export const handler = httpHandler(async (event) => {
  const keys = await projectionKeys(redisClient(), namespace, facts.projection);
  const sessionId = pathId(event, 'sessionId');
  const key = keys.session(sessionId);
  const [session, ttl] = await guardedRedis((redis) => Promise.all([redis.hgetall(key), redis.ttl(key)]));
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
