import { createEnvelope, type Envelope } from '../../../../../shared/envelope/envelope';
import type { OrderCommand } from '../../../../../shared/envelope/eventCatalog';
import { followUpId } from '../../../../../shared/envelope/followUpId';
import { nextAfter, startOrder, type StepResult } from '../../../../../shared/workflow/orderSaga';
import { OUTCOME_STEPS, sagaProgressOf } from '../../../../../shared/workflow/saga/sagaProgress';
import { orderDigest } from '../../../../../shared/workflow/saga/orderDigest';

const data = { orderId: 'o-1', userId: 'u', amount: 100, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'a', qty: 1 }] };
const placed = createEnvelope({ type: 'order.placed', version: 1, key: 'o-1', data, source: 'test' });
const authorize = startOrder(placed, 'test') as Envelope<OrderCommand>;
const commandOf = (type: string): Envelope<OrderCommand> => ({ ...authorize, type, id: followUpId(authorize.id, type) });

const RESULTS: Array<[string, StepResult]> = [
  ['payment.authorize', { kind: 'authorized', authorizationId: 'a' }],
  ['payment.authorize', { kind: 'declined', reason: 'no' }],
  ['inventory.reserve', { kind: 'reserved', reservationId: 'r' }],
  ['inventory.reserve', { kind: 'unavailable', skus: ['a'] }],
  ['shipment.schedule', { kind: 'scheduled', shipmentId: 's' }],
  ['payment.refund', { kind: 'refunded', refundId: 'f' }],
];

describe('saga progress from the orders topic', () => {
  it('should record the placement with the first command the starter issues', () => {
    expect(sagaProgressOf(placed)).toEqual({ kind: 'placed', orderId: 'o-1', placedId: placed.id, digest: orderDigest(data), expect: 'payment.authorize', expectId: authorize.id });
  });

  it.each(RESULTS)('should follow the saga itself after %s answers %j: the command that took the step, and the one it issues next', (type, result) => {
    const command = type === 'payment.authorize' ? authorize : commandOf(type);
    const outcome = nextAfter(command, result, 'test');
    const recorded = outcome.events.map(sagaProgressOf).filter((p) => p !== undefined);
    // Exactly one event of each outcome moves the saga (order.completed / order.cancelled ride along).
    expect(recorded).toHaveLength(1);
    const next = outcome.commands[0];
    expect(recorded[0]).toEqual({ kind: 'step', orderId: 'o-1', took: type, commandId: command.id, expect: next?.type ?? 'done', expectId: next?.id ?? '' });
  });

  it('should cover every outcome the saga publishes, and nothing else', () => {
    const published = RESULTS.flatMap(([type, result]) => nextAfter(type === 'payment.authorize' ? authorize : commandOf(type), result, 'test').events.map((e) => e.type));
    expect(Object.keys(OUTCOME_STEPS).sort()).toEqual([...new Set(published)].filter((t) => t !== 'order.completed' && t !== 'order.cancelled').sort());
  });

  it("should move no saga with an outcome that is not a follow-up of its causation (not the workflow's own)", () => {
    const [authorized] = nextAfter(authorize, { kind: 'authorized', authorizationId: 'a' }, 'test').events;
    if (authorized === undefined) throw new Error('no outcome');
    expect(sagaProgressOf({ ...authorized, id: 'forged-1' })).toEqual({ refused: expect.stringMatching(/not a follow-up of its causation/) });
    expect(sagaProgressOf({ ...authorized, causationId: null })).toEqual({ refused: expect.stringMatching(/not a follow-up/) });
    expect(sagaProgressOf({ ...authorized, causationId: 'another-command' })).toEqual({ refused: expect.stringMatching(/not a follow-up/) });
  });

  it('should ignore events that say nothing about a saga, inherited names included', () => {
    for (const type of ['session.started', 'constructor', '__proto__', 'toString', 'order.completed']) {
      expect(sagaProgressOf({ ...placed, type })).toBeUndefined();
    }
    expect(sagaProgressOf({ ...placed, data: { ...data, orderId: 5 } })).toBeUndefined();
  });
});
