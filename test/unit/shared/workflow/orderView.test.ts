import { ORDER_STEP_TYPES, orderView } from '../../../../shared/workflow/orderView';

const stepField = (at: string, eventId: string, details: Record<string, unknown> = {}): string => JSON.stringify({ at, eventId, details });
const at = (second: number): string => `2026-01-15T10:00:${String(second).padStart(2, '0')}.000Z`;

/** The hash of an order that went through `types` in order, one second apart. */
const hashOf = (types: readonly string[]): Record<string, string> => Object.fromEntries(types.map((type, i) => [`step:${type}`, stepField(at(i), `evt-${i}`, { n: i })]));

const HAPPY = ['order.placed', 'payment.authorized', 'inventory.reserved', 'shipment.scheduled', 'order.completed'];
const DECLINED = ['order.placed', 'payment.declined', 'order.cancelled'];
const COMPENSATED = ['order.placed', 'payment.authorized', 'inventory.unavailable', 'payment.refunded', 'order.cancelled'];

describe('orderView', () => {
  it('should return undefined for an empty hash', () => {
    // act
    const view = orderView('o-1', {});

    // assess
    expect(view).toBeUndefined();
  });

  it('should return undefined when no field is a readable step', () => {
    // act
    const view = orderView('o-1', { status: 'completed', 'step:order.shipped': stepField(at(0), 'e'), 'step:order.placed': '{not json' });

    // assess
    expect(view).toBeUndefined();
  });

  it.each([
    ['the happy path', HAPPY, ['placed', 'payment_authorized', 'inventory_reserved', 'shipment_scheduled', 'completed']],
    ['a declined payment', DECLINED, ['placed', 'payment_declined', 'cancelled']],
    ['a compensated order', COMPENSATED, ['placed', 'payment_authorized', 'refunding', 'refunded', 'cancelled']],
  ])('should give the status of the furthest step along %s', (_name, path, statuses) => {
    // act
    const views = path.map((_type, i) => orderView('o-1', hashOf(path.slice(0, i + 1))));

    // assess
    expect(views.map((v) => v?.status)).toEqual(statuses);
  });

  it.each([
    ['order.placed', 'placed', false],
    ['payment.authorized', 'payment_authorized', false],
    ['payment.declined', 'payment_declined', false],
    ['inventory.reserved', 'inventory_reserved', false],
    ['inventory.unavailable', 'refunding', false],
    ['shipment.scheduled', 'shipment_scheduled', false],
    ['payment.refunded', 'refunded', false],
    ['order.completed', 'completed', true],
    ['order.cancelled', 'cancelled', true],
  ])('should read %s as status %s, final %s', (type, status, final) => {
    // act
    const view = orderView('o-1', hashOf(['order.placed', type]));

    // assess
    expect(view).toMatchObject({ orderId: 'o-1', status, final });
  });

  it('should know every step type it has a status for', () => {
    // assess
    expect([...ORDER_STEP_TYPES].sort()).toEqual([...new Set([...HAPPY, ...DECLINED, ...COMPENSATED])].sort());
  });

  it('should carry each step as time, event id and details', () => {
    // act
    const view = orderView('o-1', { 'step:payment.authorized': stepField(at(1), 'evt-a', { authorizationId: 'auth-1', amount: 1999 }) });

    // assess
    expect(view).toEqual({
      orderId: 'o-1',
      status: 'payment_authorized',
      final: false,
      steps: [{ type: 'payment.authorized', at: at(1), eventId: 'evt-a', details: { authorizationId: 'auth-1', amount: 1999 } }],
    });
  });

  it('should sort steps by their place in the saga whatever order the fields come in', () => {
    // prepare
    const fields = hashOf(COMPENSATED);
    const scrambled = Object.fromEntries(
      [4, 2, 0, 3, 1].map((i) => {
        const type = COMPENSATED[i] ?? '';
        return [`step:${type}`, fields[`step:${type}`] ?? ''];
      }),
    );

    // act
    const view = orderView('o-1', scrambled);

    // assess
    expect(view?.steps.map((s) => s.type)).toEqual(COMPENSATED);
    expect(view).toMatchObject({ status: 'cancelled', final: true });
  });

  it('should rank by saga step before time when a later step carries an earlier time', () => {
    // prepare: clocks of different producers disagree, and the final event arrived first
    const fields = {
      'step:order.completed': stepField(at(1), 'e-completed'),
      'step:shipment.scheduled': stepField(at(2), 'e-scheduled'),
      'step:order.placed': stepField(at(9), 'e-placed'),
    };

    // act
    const view = orderView('o-1', fields);

    // assess
    expect(view?.steps.map((s) => s.type)).toEqual(['order.placed', 'shipment.scheduled', 'order.completed']);
    expect(view).toMatchObject({ status: 'completed', final: true });
  });

  it('should order steps of the same rank by time', () => {
    // prepare: two rank-3 steps, the later one listed first
    const fields = {
      'step:shipment.scheduled': stepField(at(30), 'e-scheduled'),
      'step:payment.refunded': stepField(at(20), 'e-refunded'),
      'step:order.placed': stepField(at(0), 'e-placed'),
    };

    // act
    const view = orderView('o-1', fields);

    // assess
    expect(view?.steps.map((s) => s.type)).toEqual(['order.placed', 'payment.refunded', 'shipment.scheduled']);
    expect(view?.status).toBe('shipment_scheduled');
  });

  it('should report a final status as soon as the final event arrived, even before the steps between', () => {
    // act
    const view = orderView('o-1', { 'step:order.cancelled': stepField(at(5), 'e-cancelled', { reason: 'payment declined: card declined' }) });

    // assess
    expect(view).toMatchObject({ status: 'cancelled', final: true });
    expect(view?.steps).toHaveLength(1);
  });

  it('should ignore fields that are not steps and steps of unknown types', () => {
    // prepare
    const fields = {
      ...hashOf(['order.placed', 'payment.authorized']),
      status: 'completed',
      'step:order.shipped': stepField(at(9), 'e-unknown'),
      'step:': stepField(at(9), 'e-empty'),
      'order.completed': stepField(at(9), 'e-no-prefix'),
    };

    // act
    const view = orderView('o-1', fields);

    // assess
    expect(view?.steps.map((s) => s.type)).toEqual(['order.placed', 'payment.authorized']);
    expect(view).toMatchObject({ status: 'payment_authorized', final: false });
  });

  it.each(['{not json', '', 'null', '{"at":'])('should skip a corrupt step (%j) and still read the rest', (corrupt) => {
    // prepare
    const fields = { ...hashOf(['order.placed', 'payment.authorized']), 'step:order.completed': corrupt };

    // act
    const view = orderView('o-1', fields);

    // assess
    expect(view?.steps.map((s) => s.type)).toEqual(['order.placed', 'payment.authorized']);
    expect(view).toMatchObject({ status: 'payment_authorized', final: false });
  });

  it('should default a step without time, event id or details to empty values', () => {
    // act
    const view = orderView('o-1', { 'step:order.placed': '{}' });

    // assess
    expect(view?.steps).toEqual([{ type: 'order.placed', at: '', eventId: '', details: {} }]);
  });
});

describe('orderView with step values that are JSON but not objects', () => {
  it('should skip them instead of failing the whole order', () => {
    const view = orderView('o-1', { 'step:order.placed': stepField(at(1), 'e1'), 'step:order.completed': '"x"', 'step:order.cancelled': '[1]' });
    expect(view?.steps.map((s) => s.type)).toEqual(['order.placed']);
    expect(view?.status).toBe('placed');
  });
});
