import { newEventId } from '../../shared/envelope/eventId';
import { orderPlaced, type OrderKind, type PlannedEvent, type PlannedOrder } from '../../testkit/load/eventLoadPlan';

/** What one tick posts: `events` non-order events of mixed types and `orders` order.placed, in one request. */
export interface SoakTick {
  events: PlannedEvent[];
  orders: PlannedOrder[];
  /** The score.recorded events among `events` (1 point each on the run's board): the end check sums them. */
  scores: number;
}

/** Users of the run's board: few enough that the end check reads the whole board in one ZRANGE. */
export const SOAK_USERS = 100;
/** A session lives this long after its start: the sessions the soak opens expire instead of piling up in Redis. */
const SESSION_TTL_SECONDS = 300;

/**
 * The events of tick `tick`, fixed by its number: half score.recorded (1 point, one board), 35%
 * page.viewed, 10% session.started and 5% session.ended (of a session started in the same batch, after
 * its start: same key, same partition, so the end is applied after the start). Orders: 80% normal, 10%
 * declined (tok_decline) and 10% out of stock (an `oos-` sku: charged, then refunded), so the
 * compensation path runs all along too. Ids are fresh per event.
 */
export function soakTick(tag: string, tick: number, eventsPerTick: number, ordersPerTick: number): SoakTick {
  const board = `soak-${tag}`;
  const events: PlannedEvent[] = [];
  let scores = 0;
  let openSession: string | undefined;
  for (let i = 0; i < eventsPerTick; i++) {
    const n = tick * eventsPerTick + i;
    const userId = `su-${tag}-${n % SOAK_USERS}`;
    const slot = n % 20;
    if (slot < 10) {
      scores++;
      events.push({ id: newEventId(), type: 'score.recorded', data: { board, userId, points: 1 } });
    } else if (slot < 17) {
      events.push({ id: newEventId(), type: 'page.viewed', data: { userId, path: `/soak/${n % 13}` } });
    } else if (slot < 19) {
      const sessionId = `ss-${tag}-${n}`;
      openSession ??= sessionId;
      events.push({ id: newEventId(), type: 'session.started', data: { sessionId, userId, ttlSeconds: SESSION_TTL_SECONDS } });
    } else if (openSession !== undefined) {
      events.push({ id: newEventId(), type: 'session.ended', data: { sessionId: openSession } });
      openSession = undefined;
    } else {
      events.push({ id: newEventId(), type: 'page.viewed', data: { userId, path: '/soak/end' } });
    }
  }
  const orders: PlannedOrder[] = Array.from({ length: ordersPerTick }, (_, i) => {
    const n = tick * ordersPerTick + i;
    const kind: OrderKind = n % 10 === 3 ? 'decline' : n % 10 === 7 ? 'oos' : 'normal';
    return { orderId: `so-${tag}-${n}`, eventId: newEventId(), kind };
  });
  for (const [i, order] of orders.entries()) events.push(orderPlaced(order, `su-${tag}-${(tick + i) % SOAK_USERS}`));
  return { events, orders, scores };
}

/** The status each kind of order must end in (GET /orders/{id}'s `status`). */
export const FINAL_STATUS: Readonly<Record<OrderKind, 'completed' | 'cancelled'>> = { normal: 'completed', decline: 'cancelled', oos: 'cancelled' };
