import { actionCount } from '../../shared/workflow/sandbox/sandboxLedger';
import { getJson, isRecord, mapLimited } from './httpJson';
import type { LoadOutcome } from '../../testkit/load/postBatches';
import type { OrderKind, PlannedOrder } from '../../testkit/load/eventLoadPlan';
import { waitForProgress, type ProgressWait } from '../../testkit/waitUntil';

export interface OrdersCheck {
  ok: boolean;
  /** Accepted orders checked (orders the client gave up on are left out: they may never have been placed). */
  orders: number;
  final: number;
  /** Not final when the wait ended: stuck in a queue, parked, or their events lost. */
  lost: number;
  chargedTwice: number;
  /** Refunded or shipped more than once, or a step listed twice. */
  doubled: number;
  /** Final, but not the outcome the sandbox rules give (e.g. a normal order cancelled). */
  wrongOutcome: number;
  problems: string[];
  finalMs: number | undefined;
  stalled: boolean;
}

interface OrderState {
  status: string;
  final: boolean;
  steps: string[];
}

/** Orders the read route did not answer 200 for, with the last status it gave (404 = not projected). */
type Unread = Map<string, number>;

const WANTED: Record<OrderKind, { status: string; charges: number; refunds: number; shipments: number }> = {
  normal: { status: 'completed', charges: 1, refunds: 0, shipments: 1 },
  decline: { status: 'cancelled', charges: 0, refunds: 0, shipments: 0 },
  oos: { status: 'cancelled', charges: 1, refunds: 1, shipments: 0 },
};

/**
 * (c) Every accepted order reaches a final state (GET /orders/{id}: completed, or cancelled with its
 * compensation done) and the sandbox providers' own books (actionCount) show no order charged twice,
 * no refund missing for a charged out-of-stock order, and no second shipment. Waits for the sagas to
 * finish (bounded, and cut short once no order moves any more), then judges.
 */
export async function checkOrders(url: string, orders: PlannedOrder[], load: LoadOutcome, wait: ProgressWait): Promise<OrdersCheck> {
  const placed = orders.filter((order) => load.accepted.has(order.eventId));
  const states = new Map<string, OrderState>();
  const unread: Unread = new Map();
  const waited = await waitForProgress(async () => {
    const pending = placed.filter((order) => states.get(order.orderId)?.final !== true);
    await mapLimited(pending, 20, async (order) => {
      const state = await readOrder(url, order.orderId);
      if (typeof state === 'number') unread.set(order.orderId, state);
      else {
        unread.delete(order.orderId);
        states.set(order.orderId, state);
      }
    });
    const steps = [...states.values()].reduce((n, state) => n + state.steps.length, 0);
    return { done: placed.every((order) => states.get(order.orderId)?.final === true), progress: String(steps) };
  }, wait);
  const result: OrdersCheck = {
    ok: true,
    orders: placed.length,
    final: 0,
    lost: 0,
    chargedTwice: 0,
    doubled: 0,
    wrongOutcome: 0,
    problems: [],
    finalMs: waited.done ? waited.ms : undefined,
    stalled: waited.stalled,
  };
  await mapLimited(placed, 20, async (order) => {
    const state = states.get(order.orderId);
    const [charges, refunds, shipments] = await Promise.all([
      actionCount('payment', 'charges', order.orderId),
      actionCount('payment', 'refunds', order.orderId),
      actionCount('shipping', 'shipments', order.orderId),
    ]);
    const wanted = WANTED[order.kind];
    const note = (problem: string) =>
      result.problems.push(`${order.orderId} (${order.kind}${order.failures === undefined ? '' : `, ${order.failures.count} ${order.failures.service} failures`}): ${problem}`);
    if (state?.final === true) result.final++;
    else {
      result.lost++;
      note(`not final: ${state === undefined ? `no order view (GET answered ${unread.get(order.orderId) ?? '?'})` : `${state.status} after ${state.steps.join(' > ')}`}`);
    }
    if (charges > 1) {
      result.chargedTwice++;
      note(`charged ${charges} times`);
    }
    if (refunds > 1 || shipments > 1 || (state !== undefined && new Set(state.steps).size !== state.steps.length)) {
      result.doubled++;
      note(`refunds ${refunds}, shipments ${shipments}, steps ${state?.steps.join(' > ') ?? '-'}`);
    }
    if (state?.final === true) {
      const chargedWithoutRefund = order.kind === 'oos' && charges >= 1 && refunds !== 1;
      // The sandbox records a charge and counts it in one script, on a Redis no fault touches: a completed
      // order with fewer charges than its outcome needs was never charged.
      const unpaid = charges < wanted.charges;
      if (state.status !== wanted.status || chargedWithoutRefund || (order.kind === 'decline' && charges > 0) || shipments > wanted.shipments || unpaid) {
        result.wrongOutcome++;
        note(`${state.status}, charges ${charges}, refunds ${refunds}, shipments ${shipments}; wanted ${wanted.status}, ${wanted.charges}/${wanted.refunds}/${wanted.shipments}`);
      }
    }
  });
  result.ok = result.lost === 0 && result.chargedTwice === 0 && result.doubled === 0 && result.wrongOutcome === 0;
  result.problems = result.problems.slice(0, 12);
  return result;
}

/** The order's view, or the HTTP status when there is none (0 for no answer at all). */
async function readOrder(url: string, orderId: string): Promise<OrderState | number> {
  const answer = await getJson(`${url}/orders/${orderId}`);
  if (answer.status !== 200 || !isRecord(answer.body)) return answer.status;
  const { status, final, steps } = answer.body;
  return {
    status: typeof status === 'string' ? status : '?',
    final: final === true,
    steps: Array.isArray(steps) ? steps.flatMap((step: unknown) => (isRecord(step) && typeof step.type === 'string' ? [step.type] : [])) : [],
  };
}
