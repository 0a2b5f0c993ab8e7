import { facts } from './function';
import type { OrderBody } from './contract';
import { guardedRedis, redisClient } from '../../shared/clients/redisClient';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpHandler } from '../../shared/middleware/http/httpHandler';
import { projectionKeys } from '../../shared/state/projectionKeys';
import { redisNamespace } from '../../shared/state/redisKeys';
import { orderView } from '../../shared/workflow/orderView';

const namespace = redisNamespace();

/** GET /orders/{orderId}: the order's status and the steps taken so far, in saga order. */
export const handler = httpHandler(async (event) => {
  const keys = await projectionKeys(redisClient(), namespace, facts.projection);
  const orderId = pathId(event, 'orderId');
  const view = orderView(orderId, await guardedRedis((redis) => redis.hgetall(keys.order(orderId))));
  if (view === undefined) throw new HttpError(404, 'order not found', { details: { orderId } });
  return jsonResponse(200, view satisfies OrderBody);
});
