import fc from 'fast-check';
import { contentDigest, stableJson } from '../../../shared/envelope/contentDigest';
import { createEnvelope } from '../../../shared/envelope/envelope';
import { forbiddenKeyPath } from '../../../shared/envelope/forbiddenKeyPath';
import { validateIncomingEvent } from '../../../shared/envelope/validateIncomingEvent';
import { hopHeaderMismatch, kafkaHopHeader, rabbitMqHopHeader } from '../../../shared/middleware/batch/hopHeaderMismatch';
import { orderView } from '../../../shared/workflow/orderView';
import { orderDigest } from '../../../shared/workflow/saga/orderDigest';
import { providerIdempotencyKey } from '../../../shared/workflow/providers/providerIdempotencyKey';

const bytes = (text: string) => [...Buffer.from(text)];

describe('contentDigest', () => {
  const event = (data: Record<string, unknown>, time = new Date('2026-01-15T10:00:00Z')) => createEnvelope({ type: 'score.recorded', version: 1, key: 'u', data, source: 'test', time });

  it('should give the same digest for the same content whatever the key order, time or id', () => {
    const a = event({ board: 'b', userId: 'u', points: 1 });
    const b = { ...event({ points: 1, userId: 'u', board: 'b' }, new Date('2026-02-01T00:00:00Z')), hops: 3 };
    expect(contentDigest(b)).toBe(contentDigest(a));
    expect(stableJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
  });

  it('should give another digest for other data, type or key', () => {
    const a = event({ board: 'b', userId: 'u', points: 1 });
    expect(contentDigest({ ...a, data: { ...a.data, points: 2 } })).not.toBe(contentDigest(a));
    expect(contentDigest({ ...a, type: 'page.viewed' })).not.toBe(contentDigest(a));
    expect(contentDigest({ ...a, key: 'v' })).not.toBe(contentDigest(a));
  });
});

describe('orderDigest and provider keys', () => {
  const placement = { orderId: 'o', userId: 'u', amount: 5, currency: 'EUR', paymentToken: 't', items: [{ sku: 's', qty: 1 }] };

  it('should read the same order from its placement and from any command of its saga', () => {
    expect(orderDigest({ ...placement, authorizationId: 'a', reservationId: 'r', reason: 'x' })).toBe(orderDigest(placement));
    expect(orderDigest({ ...placement, amount: 6 })).not.toBe(orderDigest(placement));
  });

  it('should key a provider call by order and step, never by command id', () => {
    expect(providerIdempotencyKey({ type: 'payment.authorize', data: { orderId: 'o-1' } })).toBe('order:o-1:payment.authorize');
  });
});

describe('hop header checks', () => {
  it('should refuse a header that disagrees with the value, and accept agreement or no header', () => {
    expect(hopHeaderMismatch(kafkaHopHeader([{ hops: bytes('99') }]), 0)).toMatch(/hop header "99" disagrees with the envelope's hops 0/);
    expect(hopHeaderMismatch(kafkaHopHeader([{ id: bytes('x') }, { hops: bytes('2') }]), 2)).toBeUndefined();
    expect(hopHeaderMismatch(kafkaHopHeader([]), 5)).toBeUndefined();
    expect(hopHeaderMismatch(rabbitMqHopHeader({ 'x-hops': { bytes: bytes('7') } }), 1)).toMatch(/disagrees/);
    expect(hopHeaderMismatch(rabbitMqHopHeader({ 'x-hops': 1 }), 1)).toBeUndefined();
  });

  it("should read the Kafka hop header's bytes as the Buffer of their low bytes reads, whatever they are", () => {
    const byteArb = fc.oneof(fc.integer({ min: -128, max: 255 }), fc.integer({ min: 0, max: 127 }), fc.double(), fc.constantFrom<unknown>(NaN, -0, 1.5, 300, '7', null, true, [1]));
    fc.assert(
      fc.property(fc.array(byteArb, { maxLength: 8 }), (list) => {
        expect(kafkaHopHeader([{ id: [1] }, { hops: list }])).toBe(Buffer.from(list.map((b) => Number(b) & 0xff)).toString('utf8'));
      }),
      { numRuns: 2000 },
    );
    expect(kafkaHopHeader([{ hops: [-61, -87] }])).toBe('é');
    expect(kafkaHopHeader([{ hops: [49, 50] }, { hops: [51] }])).toBe('3');
  });
});

describe('forbidden keys and reserved ids', () => {
  it('should find __proto__, constructor and prototype keys at any depth', () => {
    expect(forbiddenKeyPath(JSON.parse('{"items":[{"sku":"s","__proto__":{"x":1}}]}'), 'data')).toBe('data.items[0].__proto__');
    expect(forbiddenKeyPath({ a: { constructor: 1 } }, 'data')).toBe('data.a.constructor');
    expect(forbiddenKeyPath({ path: '/constructor', list: ['prototype'] }, 'data')).toBeUndefined();
  });

  it("should refuse a caller-given id of the workflow's own form over HTTP", () => {
    const result = validateIncomingEvent({ type: 'page.viewed', id: '01ARZ3NDEKTSV4RRFFQ69G5FAV.wf', data: { userId: 'u', path: '/' } }, '', 'test');
    expect(result).toEqual({ ok: false, errors: [{ field: 'id', reason: 'ids ending in .wf are reserved for events the workflow makes' }] });
  });
});

describe('orderView with inherited names', () => {
  it('should skip step fields named after inherited properties', () => {
    const placed = JSON.stringify({ at: '2026-01-15T10:00:00Z', eventId: 'e', details: {} });
    const view = orderView('o', { 'step:order.placed': placed, 'step:constructor': placed, 'step:__proto__': placed, 'step:toString': placed });
    expect(view?.steps.map((s) => s.type)).toEqual(['order.placed']);
    expect(view?.status).toBe('placed');
  });
});
