import { createEnvelope, deriveEnvelope, type Envelope } from '../../../../shared/envelope/envelope';
import type { OrderCommand, OrderPlaced } from '../../../../shared/envelope/eventCatalog';
import { followUpId } from '../../../../shared/envelope/followUpId';
import { parseEnvelope } from '../../../../shared/envelope/parseEnvelope';
import { nextAfter, startOrder, type StepOutcome, type StepResult } from '../../../../shared/workflow/orderSaga';

const SOURCE = 'triplane/test-step';
const PLACED_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

const ORDER: OrderPlaced = {
  orderId: 'o-1',
  userId: 'u-1',
  amount: 1999,
  currency: 'EUR',
  paymentToken: 'tok_ok',
  items: [
    { sku: 'sku-1', qty: 2 },
    { sku: 'sku-2', qty: 1 },
  ],
};

const placedEvent = (id = PLACED_ID, data: OrderPlaced = ORDER): Envelope<Record<string, unknown>> =>
  createEnvelope<Record<string, unknown>>({
    type: 'order.placed',
    version: 1,
    key: data.orderId,
    data: { ...data },
    source: 'triplane/ingest-events',
    id,
    correlationId: 'corr-1',
    time: new Date('2026-01-15T10:00:00.000Z'),
  });

/** A command as a step receives it: two hops into the chain, caused by an earlier event. */
const commandOf = (type: string, extra: Partial<OrderCommand> = {}, id = '01ARZ3NDEKTSV4RRFFQ69G5FB0'): Envelope<OrderCommand> => ({
  id,
  type,
  version: 1,
  source: 'triplane/previous-step',
  time: '2026-01-15T10:00:01.000Z',
  key: ORDER.orderId,
  correlationId: 'corr-1',
  causationId: 'cause-1',
  hops: 2,
  data: { ...ORDER, ...extra },
});

const typesOf = (envelopes: ReadonlyArray<Envelope>): string[] => envelopes.map((e) => e.type);
const all = (outcome: StepOutcome): Array<Envelope<Record<string, unknown>>> => [...outcome.events, ...outcome.commands];

/** Which command each result answers, and what it produces. */
const TRANSITIONS: ReadonlyArray<{ result: StepResult; command: Envelope<OrderCommand>; events: string[]; commands: string[] }> = [
  { result: { kind: 'authorized', authorizationId: 'auth-1' }, command: commandOf('payment.authorize'), events: ['payment.authorized'], commands: ['inventory.reserve'] },
  { result: { kind: 'declined', reason: 'card declined' }, command: commandOf('payment.authorize'), events: ['payment.declined', 'order.cancelled'], commands: [] },
  { result: { kind: 'reserved', reservationId: 'res-1' }, command: commandOf('inventory.reserve', { authorizationId: 'auth-1' }), events: ['inventory.reserved'], commands: ['shipment.schedule'] },
  {
    result: { kind: 'unavailable', skus: ['sku-1', 'sku-2'] },
    command: commandOf('inventory.reserve', { authorizationId: 'auth-1' }),
    events: ['inventory.unavailable'],
    commands: ['payment.refund'],
  },
  {
    result: { kind: 'scheduled', shipmentId: 'ship-1' },
    command: commandOf('shipment.schedule', { authorizationId: 'auth-1', reservationId: 'res-1' }),
    events: ['shipment.scheduled', 'order.completed'],
    commands: [],
  },
  {
    result: { kind: 'refunded', refundId: 'ref-1' },
    command: commandOf('payment.refund', { authorizationId: 'auth-1', reason: 'out of stock: sku-1' }),
    events: ['payment.refunded', 'order.cancelled'],
    commands: [],
  },
];

describe('nextAfter', () => {
  describe.each(TRANSITIONS)('after $result.kind', ({ result, command, events, commands }) => {
    it('should produce the expected event and command types', () => {
      // act
      const outcome = nextAfter(command, result, SOURCE);

      // assess
      expect(typesOf(outcome.events)).toEqual(events);
      expect(typesOf(outcome.commands)).toEqual(commands);
    });

    it('should derive every follow-up from the command: key, hop, correlation, causation, version, source', () => {
      // act
      const produced = all(nextAfter(command, result, SOURCE));

      // assess
      expect(produced.length).toBeGreaterThan(0);
      for (const envelope of produced) {
        expect(envelope.key).toBe(ORDER.orderId);
        expect(envelope.hops).toBe(command.hops + 1);
        expect(envelope.correlationId).toBe(command.correlationId);
        expect(envelope.causationId).toBe(command.id);
        expect(envelope.version).toBe(1);
        expect(envelope.source).toBe(SOURCE);
        expect(Number.isNaN(Date.parse(envelope.time))).toBe(false);
        expect(envelope.data.orderId).toBe(ORDER.orderId);
      }
    });

    it('should give every follow-up the deterministic id of its command and type', () => {
      // act
      const produced = all(nextAfter(command, result, SOURCE));

      // assess
      for (const envelope of produced) expect(envelope.id).toBe(followUpId(command.id, envelope.type));
      expect(new Set(produced.map((e) => e.id)).size).toBe(produced.length);
    });

    it('should give the same ids when the same command is handled twice', () => {
      // act
      const first = all(nextAfter(command, result, SOURCE));
      const second = all(nextAfter(command, result, SOURCE));

      // assess
      expect(second.map((e) => e.id)).toEqual(first.map((e) => e.id));
      expect(second.map((e) => e.data)).toEqual(first.map((e) => e.data));
    });

    it('should give different ids for a different command', () => {
      // prepare
      const other = { ...command, id: '01ARZ3NDEKTSV4RRFFQ69G5FB1' };

      // act
      const first = all(nextAfter(command, result, SOURCE)).map((e) => e.id);
      const second = all(nextAfter(other, result, SOURCE)).map((e) => e.id);

      // assess
      expect(second).toHaveLength(first.length);
      for (const id of second) expect(first).not.toContain(id);
    });

    it('should produce envelopes that pass their own schema', () => {
      // act
      const produced = all(nextAfter(command, result, SOURCE));

      // assess
      for (const envelope of produced) expect(parseEnvelope(JSON.stringify(envelope))).toEqual(envelope);
    });

    it('should not change the command it was given', () => {
      // prepare
      const before = structuredClone(command);

      // act
      nextAfter(command, result, SOURCE);

      // assess
      expect(command).toEqual(before);
    });
  });

  it('should carry the authorization id into payment.authorized and the inventory.reserve command', () => {
    // prepare
    const command = commandOf('payment.authorize');

    // act
    const { events, commands } = nextAfter(command, { kind: 'authorized', authorizationId: 'auth-1' }, SOURCE);

    // assess
    expect(events[0]?.data).toEqual({ orderId: 'o-1', authorizationId: 'auth-1', amount: 1999, currency: 'EUR' });
    expect(commands[0]?.data).toEqual({ ...ORDER, authorizationId: 'auth-1' });
  });

  it('should never copy the payment token into an outcome event', () => {
    // act
    const events = TRANSITIONS.flatMap(({ command, result }) => nextAfter(command, result, SOURCE).events);

    // assess
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.data).not.toHaveProperty('paymentToken');
  });

  it('should decline with the reason and cancel the order saying why', () => {
    // prepare
    const command = commandOf('payment.authorize');

    // act
    const { events, commands } = nextAfter(command, { kind: 'declined', reason: 'card declined' }, SOURCE);

    // assess
    expect(events.map((e) => e.data)).toEqual([
      { orderId: 'o-1', reason: 'card declined' },
      { orderId: 'o-1', reason: 'payment declined: card declined' },
    ]);
    expect(commands).toEqual([]);
  });

  it('should carry the reservation id, and the earlier authorization id, into shipment.schedule', () => {
    // prepare
    const command = commandOf('inventory.reserve', { authorizationId: 'auth-1' });

    // act
    const { events, commands } = nextAfter(command, { kind: 'reserved', reservationId: 'res-1' }, SOURCE);

    // assess
    expect(events[0]?.data).toEqual({ orderId: 'o-1', reservationId: 'res-1' });
    expect(commands[0]?.data).toEqual({ ...ORDER, authorizationId: 'auth-1', reservationId: 'res-1' });
  });

  it('should compensate an unavailable reservation with a payment.refund that keeps the authorization and says why', () => {
    // prepare
    const command = commandOf('inventory.reserve', { authorizationId: 'auth-1' });

    // act
    const { events, commands } = nextAfter(command, { kind: 'unavailable', skus: ['oos-1', 'oos-2'] }, SOURCE);

    // assess
    expect(events[0]?.data).toEqual({ orderId: 'o-1', skus: ['oos-1', 'oos-2'] });
    expect(commands[0]?.type).toBe('payment.refund');
    expect(commands[0]?.data).toEqual({ ...ORDER, authorizationId: 'auth-1', reason: 'out of stock: oos-1, oos-2' });
  });

  it('should complete the order once the shipment is scheduled', () => {
    // prepare
    const command = commandOf('shipment.schedule', { authorizationId: 'auth-1', reservationId: 'res-1' });

    // act
    const { events, commands } = nextAfter(command, { kind: 'scheduled', shipmentId: 'ship-1' }, SOURCE);

    // assess
    expect(events.map((e) => e.data)).toEqual([{ orderId: 'o-1', shipmentId: 'ship-1' }, { orderId: 'o-1' }]);
    expect(commands).toEqual([]);
  });

  it('should cancel a refunded order with the reason the refund command carried', () => {
    // prepare
    const command = commandOf('payment.refund', { authorizationId: 'auth-1', reason: 'out of stock: oos-1' });

    // act
    const { events, commands } = nextAfter(command, { kind: 'refunded', refundId: 'ref-1' }, SOURCE);

    // assess
    expect(events.map((e) => e.data)).toEqual([
      { orderId: 'o-1', refundId: 'ref-1', amount: 1999, currency: 'EUR' },
      { orderId: 'o-1', reason: 'out of stock: oos-1' },
    ]);
    expect(commands).toEqual([]);
  });

  it('should cancel a refunded order as compensated when the refund command carried no reason', () => {
    // prepare
    const command = commandOf('payment.refund', { authorizationId: 'auth-1' });

    // act
    const { events } = nextAfter(command, { kind: 'refunded', refundId: 'ref-1' }, SOURCE);

    // assess
    expect(events[1]).toMatchObject({ type: 'order.cancelled', data: { orderId: 'o-1', reason: 'compensated' } });
  });

  it('should chain a whole happy path with one correlation id, rising hops and each step caused by the previous command', () => {
    // prepare
    const authorize = startOrder(placedEvent(), SOURCE) as Envelope<OrderCommand>;

    // act
    const afterAuth = nextAfter(authorize, { kind: 'authorized', authorizationId: 'auth-1' }, SOURCE);
    const reserve = afterAuth.commands[0] as Envelope<OrderCommand>;
    const afterReserve = nextAfter(reserve, { kind: 'reserved', reservationId: 'res-1' }, SOURCE);
    const schedule = afterReserve.commands[0] as Envelope<OrderCommand>;
    const afterSchedule = nextAfter(schedule, { kind: 'scheduled', shipmentId: 'ship-1' }, SOURCE);

    // assess
    expect([authorize, reserve, schedule].map((c) => c.type)).toEqual(['payment.authorize', 'inventory.reserve', 'shipment.schedule']);
    expect([authorize, reserve, schedule].map((c) => c.hops)).toEqual([1, 2, 3]);
    expect(reserve.causationId).toBe(authorize.id);
    expect(schedule.causationId).toBe(reserve.id);
    expect(schedule.data).toMatchObject({ authorizationId: 'auth-1', reservationId: 'res-1' });
    expect(afterSchedule.events.map((e) => e.hops)).toEqual([4, 4]);
    for (const envelope of [...afterAuth.events, ...afterReserve.events, ...afterSchedule.events]) expect(envelope.correlationId).toBe('corr-1');
    // Follow-ups of a ULID keep its time prefix, all the way down the chain.
    for (const envelope of [authorize, reserve, schedule, ...afterSchedule.events]) expect(envelope.id.slice(0, 10)).toBe(PLACED_ID.slice(0, 10));
  });
});

describe('startOrder', () => {
  it('should make a payment.authorize command from order.placed, one hop further, with the whole order', () => {
    // prepare
    const placed = placedEvent();

    // act
    const command = startOrder(placed, SOURCE);

    // assess
    expect(command).toMatchObject({
      id: followUpId(PLACED_ID, 'payment.authorize'),
      type: 'payment.authorize',
      version: 1,
      source: SOURCE,
      key: 'o-1',
      correlationId: 'corr-1',
      causationId: PLACED_ID,
      hops: 1,
    });
    expect(command.data).toEqual(ORDER);
    expect(parseEnvelope(JSON.stringify(command))).toEqual(command);
  });

  it('should give the same id when the same order.placed is handled twice', () => {
    // act
    const first = startOrder(placedEvent(), SOURCE);
    const second = startOrder(placedEvent(), SOURCE);

    // assess
    expect(second.id).toBe(first.id);
  });

  it('should give different ids for different order.placed events', () => {
    // act
    const first = startOrder(placedEvent(PLACED_ID), SOURCE);
    const second = startOrder(placedEvent('01ARZ3NDEKTSV4RRFFQ69G5FB2'), SOURCE);

    // assess
    expect(second.id).not.toBe(first.id);
  });

  it('should keep the key, correlation and hop count of a placed event that is already further down a chain', () => {
    // prepare
    const placed = deriveEnvelope(placedEvent(), { type: 'order.placed', version: 1, key: 'o-1', data: { ...ORDER }, source: 'triplane/replay', id: '01ARZ3NDEKTSV4RRFFQ69G5FB3' });

    // act
    const command = startOrder(placed, SOURCE);

    // assess
    expect(command).toMatchObject({ key: 'o-1', correlationId: 'corr-1', causationId: '01ARZ3NDEKTSV4RRFFQ69G5FB3', hops: 2 });
  });
});

describe('nextAfter with long provider answers', () => {
  it('should keep a refund command readable when many skus are out of stock', () => {
    const skus = Array.from({ length: 4 }, (_, i) => `oos-${String(i).padEnd(120, 'x')}`);
    const [refund] = nextAfter(commandOf('inventory.reserve', { authorizationId: 'auth-1' }), { kind: 'unavailable', skus }, SOURCE).commands;
    expect(() => parseEnvelope(JSON.stringify(refund))).not.toThrow();
  });

  it('should keep a cancellation readable when the decline reason is long', () => {
    const outcome = nextAfter(commandOf('payment.authorize'), { kind: 'declined', reason: 'r'.repeat(499) }, SOURCE);
    for (const event of outcome.events) expect(() => parseEnvelope(JSON.stringify(event))).not.toThrow();
  });
});
