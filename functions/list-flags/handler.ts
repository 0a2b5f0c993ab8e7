import { facts } from './function';
import type { FlagsBody } from './contract';
import { guardedRedis, redisClient } from '../../shared/clients/redisClient';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { httpHandler } from '../../shared/middleware/http/httpHandler';
import { projectionKeys } from '../../shared/state/projectionKeys';
import { redisNamespace } from '../../shared/state/redisKeys';
import { readFlag } from '../../shared/state/readFlag';

const namespace = redisNamespace();

/** GET /flags: every feature flag, by name. */
export const handler = httpHandler(async () => {
  const keys = await projectionKeys(redisClient(), namespace, facts.projection);
  const stored = await guardedRedis((redis) => redis.hgetall(keys.flags()));
  const flags = Object.keys(stored)
    .sort()
    .map((name) => readFlag(name, stored[name] ?? '{}'));
  return jsonResponse(200, { flags } satisfies FlagsBody);
});
