/** Where each order event stands in the saga; final events rank highest. */
const STEP_RANK: Readonly<Record<string, number>> = {
  'order.placed': 0,
  'payment.authorized': 1,
  'payment.declined': 1,
  'inventory.reserved': 2,
  'inventory.unavailable': 2,
  'shipment.scheduled': 3,
  'payment.refunded': 3,
  'order.completed': 4,
  'order.cancelled': 4,
};

export const ORDER_STEP_TYPES: readonly string[] = Object.keys(STEP_RANK);

/** Own properties only: a field named `step:constructor` (or any inherited name) is no step. */
export const isOrderStepType = (type: string): boolean => Object.prototype.hasOwnProperty.call(STEP_RANK, type);

const STATUS_OF: Readonly<Record<string, string>> = {
  'order.placed': 'placed',
  'payment.authorized': 'payment_authorized',
  'payment.declined': 'payment_declined',
  'inventory.reserved': 'inventory_reserved',
  'inventory.unavailable': 'refunding',
  'shipment.scheduled': 'shipment_scheduled',
  'payment.refunded': 'refunded',
  'order.completed': 'completed',
  'order.cancelled': 'cancelled',
};

/** Every status GET /orders/{orderId} can answer (its contract lists them). */
export const ORDER_STATUSES: readonly string[] = [...new Set(Object.values(STATUS_OF))];

export interface OrderStep {
  type: string;
  at: string;
  eventId: string;
  details: Record<string, unknown>;
}

export interface OrderView {
  orderId: string;
  status: string;
  final: boolean;
  steps: OrderStep[];
}

/**
 * The order's status and steps from the projection's hash (`step:<type>` -> JSON). Steps are ordered by
 * their place in the saga, then by time, whatever order the events arrived in; the status is that of
 * the furthest step. Pure, so the rules are tested without Redis.
 */
export function orderView(orderId: string, fields: Record<string, string>): OrderView | undefined {
  const steps: OrderStep[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (!field.startsWith('step:')) continue;
    const type = field.slice('step:'.length);
    if (!isOrderStepType(type)) continue;
    // A corrupt field (bad JSON, or JSON that is not an object) is skipped; the rest of the order still reads.
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
    const { at, eventId, details } = parsed as Record<string, unknown>;
    steps.push({
      type,
      at: typeof at === 'string' ? at : '',
      eventId: typeof eventId === 'string' ? eventId : '',
      details: details !== null && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {},
    });
  }
  if (steps.length === 0) return undefined;
  steps.sort((a, b) => (STEP_RANK[a.type] ?? 0) - (STEP_RANK[b.type] ?? 0) || a.at.localeCompare(b.at));
  const last = steps[steps.length - 1];
  const type = last?.type ?? 'order.placed';
  return { orderId, status: Object.prototype.hasOwnProperty.call(STATUS_OF, type) ? (STATUS_OF[type] ?? 'placed') : 'placed', final: type === 'order.completed' || type === 'order.cancelled', steps };
}
