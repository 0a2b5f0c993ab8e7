import { facts } from './function';
import type { OrderBody } from './contract';
import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { pathId } from '../../shared/http/pathParameter';
import { httpReadHandler, readThen } from '../../shared/middleware/http/httpReadHandler';
import { hashRead } from '../../shared/state/generationReads';
import { orderView } from '../../shared/workflow/orderView';

/** GET /orders/{orderId}: the order's status and the steps taken so far, in saga order. */
export const handler = httpReadHandler(facts.projection, (event, keys) => {
  const orderId = pathId(event, 'orderId');
  return readThen([hashRead(keys.order(orderId))], ([stored]) => {
    const view = orderView(orderId, stored);
    if (view === undefined) throw new HttpError(404, 'order not found', { details: { orderId } });
    return jsonResponse(200, view satisfies OrderBody);
  });
});
