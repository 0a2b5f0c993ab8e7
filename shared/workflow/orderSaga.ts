import { deriveEnvelope, type Envelope } from '../envelope/envelope';
import type { OrderCommand } from '../envelope/eventCatalog';
import { followUpId } from '../envelope/followUpId';

/** What a step's provider answered. */
export type StepResult =
  | { kind: 'authorized'; authorizationId: string }
  | { kind: 'declined'; reason: string }
  | { kind: 'reserved'; reservationId: string }
  | { kind: 'unavailable'; skus: string[] }
  | { kind: 'scheduled'; shipmentId: string }
  | { kind: 'refunded'; refundId: string };

/** Reasons are bounded by the event schemas (500 characters): a long provider message must not make the event unreadable. */
const reasonOf = (text: string): string => (text.length <= 500 ? text : `${text.slice(0, 497)}...`);

export interface StepOutcome {
  /** Outcome events, for Kafka (the orders topic). */
  events: Array<Envelope<Record<string, unknown>>>;
  /** The next command, for RabbitMQ, if the saga goes on. */
  commands: Array<Envelope<Record<string, unknown>>>;
}

/**
 * The order saga's transitions, as a pure function of a command and its step's result:
 *
 *   payment.authorize --authorized--> inventory.reserve --reserved--> shipment.schedule --> order.completed
 *          |                                 |
 *       declined -> order.cancelled     unavailable -> payment.refund (compensation) -> order.cancelled
 *
 * Every follow-up has a deterministic id (followUpId), so re-running a step after a crash publishes
 * the same events and commands again, which every consumer recognises and skips.
 */
export function nextAfter(command: Envelope<OrderCommand>, result: StepResult, source: string): StepOutcome {
  const order = command.data;
  const follow = (type: string, data: Record<string, unknown>) => deriveEnvelope(command, { type, version: 1, key: order.orderId, data, source, id: followUpId(command.id, type) });
  const nextCommand = (type: string, extra: Partial<OrderCommand>) => follow(type, { ...order, ...extra });

  switch (result.kind) {
    case 'authorized':
      return {
        events: [follow('payment.authorized', { orderId: order.orderId, authorizationId: result.authorizationId, amount: order.amount, currency: order.currency })],
        commands: [nextCommand('inventory.reserve', { authorizationId: result.authorizationId })],
      };
    case 'declined':
      return {
        events: [
          follow('payment.declined', { orderId: order.orderId, reason: reasonOf(result.reason) }),
          follow('order.cancelled', { orderId: order.orderId, reason: reasonOf(`payment declined: ${result.reason}`) }),
        ],
        commands: [],
      };
    case 'reserved':
      return {
        events: [follow('inventory.reserved', { orderId: order.orderId, reservationId: result.reservationId })],
        commands: [nextCommand('shipment.schedule', { reservationId: result.reservationId })],
      };
    case 'unavailable':
      return {
        events: [follow('inventory.unavailable', { orderId: order.orderId, skus: result.skus })],
        commands: [nextCommand('payment.refund', { reason: reasonOf(`out of stock: ${result.skus.join(', ')}`) })],
      };
    case 'scheduled':
      return {
        events: [follow('shipment.scheduled', { orderId: order.orderId, shipmentId: result.shipmentId }), follow('order.completed', { orderId: order.orderId })],
        commands: [],
      };
    case 'refunded':
      return {
        events: [
          follow('payment.refunded', { orderId: order.orderId, refundId: result.refundId, amount: order.amount, currency: order.currency }),
          follow('order.cancelled', { orderId: order.orderId, reason: order.reason ?? 'compensated' }),
        ],
        commands: [],
      };
  }
}

/** The command every order saga begins with. */
export const FIRST_COMMAND = 'payment.authorize';

/** The first command of an order's saga, caused by its order.placed event. */
export function startOrder(placed: Envelope<Record<string, unknown>>, source: string): Envelope<Record<string, unknown>> {
  return deriveEnvelope(placed, { type: FIRST_COMMAND, version: 1, key: placed.key, data: placed.data, source, id: followUpId(placed.id, FIRST_COMMAND) });
}
