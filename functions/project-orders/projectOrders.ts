import type { Projection } from '../../shared/middleware/batch/projectRecords';
import { command } from '../../shared/state/RedisOp';
import type { RedisKeys } from '../../shared/state/redisKeys';
import { isOrderStepType } from '../../shared/workflow/orderView';

/**
 * One hash per order, one field per step (`step:payment.authorized` -> JSON of when and what). A field
 * per step, rather than a status overwritten by each event, is what keeps the view right when outcome
 * events arrive out of order: the status is derived from the set of steps when it is read. No TTL: the
 * orders topic rebuilds it.
 *
 * HSETNX: the first event of each step is the one the view keeps. An order is identified by its order
 * id and its saga runs once, so a second order.placed for the same order (a client's retry, or someone
 * else's placement, which start-order-workflow refuses) must not replace the first placement's user
 * and amount. A replay applies the topic in the same order, so it keeps the same first events.
 */
export function projectOrders(keys: RedisKeys): Projection {
  return (event) => {
    if (!isOrderStepType(event.type)) return [];
    const { orderId, ...details } = event.data as { orderId: string } & Record<string, unknown>;
    // The payment token is a secret of the payment provider's: it is never copied into the read model.
    delete details.paymentToken;
    return [command('HSETNX', keys.order(orderId), `step:${event.type}`, JSON.stringify({ at: event.time, eventId: event.id, details }))];
  };
}
