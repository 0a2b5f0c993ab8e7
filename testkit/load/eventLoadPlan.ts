import { newEventId } from '../../shared/envelope/eventId';
import type { SandboxService } from '../../shared/workflow/sandbox/sandboxLedger';

/** One event as the client posts it: the id is the client's, so a retry sends the very same event. */
export interface PlannedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export type OrderKind = 'normal' | 'decline' | 'oos';

export interface PlannedOrder {
  orderId: string;
  /** The id of its order.placed event. */
  eventId: string;
  kind: OrderKind;
  /** Transient failures injected into a step before the order is placed (workflow fault scenarios). */
  failures?: { service: SandboxService; count: number };
}

export interface PlannedUser {
  userId: string;
  /** Every score.recorded of this user carries these points, so a total divided by them counts events. */
  points: number;
}

export interface PlannedSession {
  sessionId: string;
  startEventId: string;
  /** The id of its session.ended, if the plan ends it (sent only after every start was accepted). */
  endEventId?: string;
}

export interface EventLoadPlan {
  board: string;
  users: PlannedUser[];
  sessions: PlannedSession[];
  orders: PlannedOrder[];
  /** What each event id adds: a score (user, points) or a page view (user); the checks sum these. */
  scores: Map<string, PlannedUser>;
  views: Map<string, string>;
  /** Sent over the load's duration, mixed: scores, page views, session starts and orders. */
  batches: PlannedEvent[][];
  /** Sent once every main batch was accepted: session ends must come after their starts. */
  closingBatches: PlannedEvent[][];
}

export interface LoadSize {
  /** Non-order events: about half scores, a third page views, the rest session starts (and some ends). */
  events: number;
  orders: number;
}

export interface PlanOptions {
  /** Events per POST (at most 100); smaller batches keep requests flowing through short fault windows. */
  batchSize?: number;
  /** Share of orders that get injected step failures (0..1), and how many failures each. */
  failingShare?: number;
  failuresPerOrder?: (index: number) => number;
}

export const MAX_BATCH_SIZE = 100;
const USERS = 20;
const SERVICES: readonly SandboxService[] = ['payment', 'inventory', 'shipping'];

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * The load of one scenario, fixed before it runs, so the expected sums are known exactly: a board and
 * users of the scenario's own (no other run can add to them), points per user 1..20, orders ~80% normal,
 * ~10% tok_decline, ~10% with an `oos-` sku. Deterministic in shape; ids are fresh ULIDs per run.
 */
export function planLoad(tag: string, size: LoadSize, options: PlanOptions = {}): EventLoadPlan {
  const board = `fb-${tag}`;
  const users: PlannedUser[] = Array.from({ length: USERS }, (_, i) => ({ userId: `fu-${tag}-${i}`, points: i + 1 }));
  const scores = new Map<string, PlannedUser>();
  const views = new Map<string, string>();
  const sessions: PlannedSession[] = [];
  const events: PlannedEvent[] = [];
  for (let i = 0; i < size.events; i++) {
    const user = users[i % USERS] ?? { userId: `fu-${tag}-0`, points: 1 };
    const id = newEventId();
    const slot = i % 20;
    if (slot < 10) {
      scores.set(id, user);
      events.push({ id, type: 'score.recorded', data: { board, userId: user.userId, points: user.points } });
    } else if (slot < 17) {
      views.set(id, user.userId);
      events.push({ id, type: 'page.viewed', data: { userId: user.userId, path: `/p/${i % 7}` } });
    } else {
      const sessionId = `fs-${tag}-${sessions.length}`;
      // A third of the sessions are ended at the end of the load; the others must still be live.
      sessions.push({ sessionId, startEventId: id, ...(sessions.length % 3 === 0 ? { endEventId: newEventId() } : {}) });
      events.push({ id, type: 'session.started', data: { sessionId, userId: user.userId, ttlSeconds: 3_600 } });
    }
  }
  const orders: PlannedOrder[] = [];
  const failingEvery = options.failingShare !== undefined && options.failingShare > 0 ? Math.max(1, Math.round(1 / options.failingShare)) : 0;
  for (let i = 0; i < size.orders; i++) {
    const kind: OrderKind = i % 10 === 3 ? 'decline' : i % 10 === 7 ? 'oos' : 'normal';
    const count = failingEvery > 0 && i % failingEvery === 0 ? (options.failuresPerOrder?.(i) ?? 1) : 0;
    orders.push({
      orderId: `fo-${tag}-${i}`,
      eventId: newEventId(),
      kind,
      ...(count > 0 ? { failures: { service: SERVICES[Math.floor(i / failingEvery) % SERVICES.length] ?? 'payment', count } } : {}),
    });
  }
  // Orders are spread evenly through the other events, so they flow during every fault window.
  const mixed: PlannedEvent[] = [];
  const step = orders.length > 0 ? Math.max(1, Math.floor(events.length / orders.length)) : Number.POSITIVE_INFINITY;
  let next = 0;
  events.forEach((event, i) => {
    mixed.push(event);
    if ((i + 1) % step === 0 && next < orders.length) {
      const order = orders[next++];
      if (order !== undefined) mixed.push(orderPlaced(order, users[next % USERS]?.userId ?? 'fu'));
    }
  });
  for (; next < orders.length; next++) {
    const order = orders[next];
    if (order !== undefined) mixed.push(orderPlaced(order, users[next % USERS]?.userId ?? 'fu'));
  }
  const ends = sessions.flatMap((s) => (s.endEventId === undefined ? [] : [{ id: s.endEventId, type: 'session.ended', data: { sessionId: s.sessionId } }]));
  const batchSize = Math.max(1, Math.min(MAX_BATCH_SIZE, options.batchSize ?? MAX_BATCH_SIZE));
  return { board, users, sessions, orders, scores, views, batches: chunk(mixed, batchSize), closingBatches: chunk(ends, batchSize) };
}

/** The order.placed of a planned order: its kind picks the sandbox outcome (tok_decline, an oos- sku, or neither). */
export function orderPlaced(order: PlannedOrder, userId: string): PlannedEvent {
  const items =
    order.kind === 'oos'
      ? [
          { sku: 'book-1', qty: 1 },
          { sku: 'oos-lamp', qty: 1 },
        ]
      : [{ sku: 'book-1', qty: 2 }];
  return {
    id: order.eventId,
    type: 'order.placed',
    data: { orderId: order.orderId, userId, amount: 2_500, currency: 'EUR', paymentToken: order.kind === 'decline' ? 'tok_decline' : 'tok_visa', items },
  };
}
