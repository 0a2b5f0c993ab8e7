import type { Envelope } from '../../envelope/envelope';
import { followUpId } from '../../envelope/followUpId';
import { FIRST_COMMAND } from '../orderSaga';
import { orderDigest } from './orderDigest';

/**
 * What one event of the orders topic says about its order's saga record, so the record can be
 * rebuilt from Kafka (rule 2) after Redis lost it: a replay of the orders topic, or the live
 * projection catching up, writes the same record the starter and the steps wrote.
 *   placed: the saga began; the first command is expected (only if the record does not exist: the first placement wins).
 *   step:   the command `took` carried out its step, and the saga expects `expect` (or is done).
 */
export type SagaProgress =
  | { kind: 'placed'; orderId: string; placedId: string; digest: string; expect: string; expectId: string }
  | { kind: 'step'; orderId: string; took: string; commandId: string; expect: string; expectId: string };

/**
 * Per outcome event: the command whose step it reports, and what the saga issues next. The order
 * saga's transitions (shared/workflow/orderSaga nextAfter); a unit test holds the two together.
 * order.completed and order.cancelled are left out: each is published beside the outcome that ends
 * the saga (shipment.scheduled, payment.declined, payment.refunded), which already records it.
 */
export const OUTCOME_STEPS: Readonly<Record<string, { took: string; next: string }>> = {
  'payment.authorized': { took: 'payment.authorize', next: 'inventory.reserve' },
  'payment.declined': { took: 'payment.authorize', next: 'done' },
  'inventory.reserved': { took: 'inventory.reserve', next: 'shipment.schedule' },
  'inventory.unavailable': { took: 'inventory.reserve', next: 'payment.refund' },
  'shipment.scheduled': { took: 'shipment.schedule', next: 'done' },
  'payment.refunded': { took: 'payment.refund', next: 'done' },
};

/**
 * The saga progress an orders-topic event records, undefined for an event that records none, or a
 * reason why it cannot be the workflow's. Outcomes are accepted over HTTP from nobody (the event
 * catalog), and every follow-up id is followUpId(command id, type): an outcome whose id is not that of
 * its causation is not the workflow's own and moves no saga.
 */
export function sagaProgressOf(event: Envelope<Record<string, unknown>>): SagaProgress | { refused: string } | undefined {
  const orderId = event.data.orderId;
  if (typeof orderId !== 'string') return undefined;
  if (event.type === 'order.placed') {
    return { kind: 'placed', orderId, placedId: event.id, digest: orderDigest(event.data), expect: FIRST_COMMAND, expectId: followUpId(event.id, FIRST_COMMAND) };
  }
  if (!Object.prototype.hasOwnProperty.call(OUTCOME_STEPS, event.type)) return undefined;
  const step = OUTCOME_STEPS[event.type];
  const commandId = event.causationId;
  if (step === undefined) return undefined;
  if (typeof commandId !== 'string' || event.id !== followUpId(commandId, event.type)) {
    return { refused: `${event.type} ${event.id} is not a follow-up of its causation ${String(commandId)}: not the workflow's own, it moves no saga` };
  }
  return { kind: 'step', orderId, took: step.took, commandId, expect: step.next, expectId: step.next === 'done' ? '' : followUpId(commandId, step.next) };
}
