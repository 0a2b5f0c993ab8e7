import { facts } from './function';
import type { FlagBody } from './contract';
import { guardedRedis, redisClient } from '../../shared/clients/redisClient';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpHandler } from '../../shared/middleware/http/httpHandler';
import { projectionKeys } from '../../shared/state/projectionKeys';
import { redisNamespace } from '../../shared/state/redisKeys';
import { readFlag } from '../../shared/state/readFlag';

const namespace = redisNamespace();

/** GET /flags/{name}: one feature flag; 404 if it was never set. */
export const handler = httpHandler(async (event) => {
  const keys = await projectionKeys(redisClient(), namespace, facts.projection);
  const name = pathId(event, 'name');
  const stored = await guardedRedis((redis) => redis.hget(keys.flags(), name));
  if (stored === null) throw new HttpError(404, 'flag not found', { details: { name } });
  return jsonResponse(200, readFlag(name, stored) satisfies FlagBody);
});
