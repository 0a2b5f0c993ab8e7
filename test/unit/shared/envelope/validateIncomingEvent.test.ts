import { validateIncomingEvent } from '../../../../shared/envelope/validateIncomingEvent';

describe('validateIncomingEvent', () => {
  it('should build a version-1 envelope at hop 0 keyed by the natural key', () => {
    const result = validateIncomingEvent({ type: 'session.started', data: { sessionId: 's-1', userId: 'u-1' } }, '', 'test');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.envelope).toMatchObject({ type: 'session.started', version: 1, key: 's-1', hops: 0, causationId: null, source: 'test' });
    expect(result.envelope.correlationId).toBe(result.envelope.id);
    expect(result.envelope.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('should keep a client id, key and correlation id', () => {
    const result = validateIncomingEvent({ type: 'page.viewed', id: 'evt-1', key: 'u', correlationId: 'c-1', data: { userId: 'u', path: '/' } }, '', 'test');
    expect(result.ok && result.envelope).toMatchObject({ id: 'evt-1', key: 'u', correlationId: 'c-1' });
  });

  it("should refuse a key other than the type's natural key, which would part an order's placement from its outcomes", () => {
    const order = { orderId: 'o-1', userId: 'u', amount: 100, currency: 'EUR', paymentToken: 'tok', items: [{ sku: 'a', qty: 1 }] };
    const result = validateIncomingEvent({ type: 'order.placed', key: 'elsewhere', data: order }, 'events[0]', 'test');
    expect(result).toEqual({ ok: false, errors: [{ field: 'events[0].key', reason: 'must equal data.orderId (o-1): events of order.placed are partitioned by it' }] });
  });

  it.each([
    [{ type: 'nope', data: {} }, 'events[3].type', 'unknown event type nope'],
    [{ type: 'score.recorded', data: { board: 'b', userId: 'u', points: 1.5 } }, 'events[3].data.points', 'expected int'],
    [{ type: 'score.recorded', data: { board: 'b', userId: 'u' } }, 'events[3].data.points', 'expected number'],
    [{ type: 'page.viewed', data: { userId: 'u', path: '/', extra: 1 } }, 'events[3].data.extra', 'unknown field'],
    [{ type: 'page.viewed', data: { userId: 'u:day:1', path: '/' } }, 'events[3].data.userId', 'must be 1-128 characters'],
    [{ type: 'page.viewed', version: 9, data: { userId: 'u', path: '/' } }, 'events[3].version', 'unsupported version 9'],
    [{ type: 'payment.authorized', data: { orderId: 'o' } }, 'events[3].type', 'published by the workflow only'],
    [{ data: {} }, 'events[3].type', 'expected string'],
    [{ type: 'page.viewed', id: 'a b', data: { userId: 'u', path: '/' } }, 'events[3].id', 'must be 1-128 characters'],
  ])('should name the bad field of %j', (input, field, reason) => {
    const result = validateIncomingEvent(input, 'events[3]', 'test');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ field, reason: expect.stringContaining(reason) });
  });
});

describe('validateIncomingEvent with hostile keys', () => {
  it('should refuse a __proto__ key in data instead of dropping it', () => {
    const result = validateIncomingEvent(JSON.parse('{"type":"page.viewed","data":{"userId":"u","path":"/","__proto__":null}}'), '', 'test');
    expect(result).toEqual({ ok: false, errors: [{ field: 'data.__proto__', reason: 'unknown field' }] });
  });

  it('should name each unknown key on its own, quoting keys that are not plain names', () => {
    const result = validateIncomingEvent({ type: 'page.viewed', data: { userId: 'u', path: '/', 'a.b': 1, extra: 2 } }, 'events[0]', 'test');
    expect(result.ok || result.errors).toEqual([
      { field: 'events[0].data["a.b"]', reason: 'unknown field' },
      { field: 'events[0].data.extra', reason: 'unknown field' },
    ]);
  });
});
