import { MAX_EVENT_BYTES, MAX_EVENTS_PER_REQUEST, parseIngestRequest } from '../../../../functions/ingest-events/parseIngestRequest';
import { HttpError } from '../../../../shared/http/HttpError';

const view = (userId: string, extra: Record<string, unknown> = {}) => ({ type: 'page.viewed', data: { userId, path: '/' }, ...extra });

const refusal = (body: unknown, maxEventBytes?: number): HttpError => {
  try {
    parseIngestRequest(body, maxEventBytes);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('parseIngestRequest', () => {
  it('should accept one event or a list of them', () => {
    expect(parseIngestRequest(view('u'))).toHaveLength(1);
    expect(parseIngestRequest({ events: [view('a'), view('b')] }).map(({ envelope }) => envelope.key)).toEqual(['a', 'b']);
  });

  it('should refuse the whole batch, naming every bad field, when one event is bad', () => {
    const error = refusal({ events: [view('a'), { type: 'page.viewed', data: { userId: 'b' } }, view('c', { id: 'x y' })] });
    expect(error.statusCode).toBe(400);
    expect(error.details.accepted).toEqual([]);
    expect(error.details.errors).toEqual([
      { field: 'events[1].data.path', reason: expect.any(String) },
      { field: 'events[2].id', reason: expect.any(String) },
    ]);
  });

  it('should refuse a repeated id within one request', () => {
    const error = refusal({ events: [view('a', { id: 'same' }), view('b', { id: 'same' })] });
    expect(error.details.errors).toEqual([{ field: 'events[1].id', reason: 'duplicate id same in this request' }]);
  });

  it('should refuse a batch with anything beside its events, naming each field', () => {
    const error = refusal({ events: [view('a')], type: 'page.viewed', 'x y': 1 });
    expect(error.statusCode).toBe(400);
    expect(error.details).toEqual({
      errors: [
        { field: 'type', reason: 'unknown field' },
        { field: '["x y"]', reason: 'unknown field' },
      ],
      accepted: [],
    });
  });

  it('should answer 413 past the event count or an event size limit', () => {
    expect(refusal({ events: Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => view('a')) }).statusCode).toBe(413);
    expect(refusal({ type: 'page.viewed', data: { userId: 'u', path: `/${'x'.repeat(2048)}` } }).statusCode).toBe(400);
  });

  it('should answer 413 naming the event whose envelope, as sent, passes the event size limit, and accept one just within it', () => {
    // order.placed takes 100 items of up to 128-character skus: the one shape of ours that can pass 256 KB.
    const order = (skuLength: number, items: number) => ({
      type: 'order.placed',
      data: { orderId: 'o-1', userId: 'u', amount: 100, currency: 'EUR', paymentToken: 't', items: Array.from({ length: items }, (_, i) => ({ sku: `${i}`.padEnd(skuLength, 'x'), qty: 1 })) },
    });
    const sizeOf = (event: ReturnType<typeof order>): number => {
      const [accepted] = parseIngestRequest(event);
      if (accepted === undefined) throw new Error('not accepted');
      return Buffer.byteLength(JSON.stringify(accepted.envelope));
    };
    const size = sizeOf(order(128, 100));
    // The schemas keep every event accepted over HTTP well under 256 KB, so the check is exercised with a smaller limit.
    expect(size).toBeLessThan(MAX_EVENT_BYTES);
    expect(parseIngestRequest({ events: [view('a'), order(128, 100)] }, size)).toHaveLength(2);
    const error = refusal({ events: [view('a'), order(128, 100)] }, size - 1);
    expect(error.statusCode).toBe(413);
    expect(error.message).toBe(`an event may be at most ${size - 1} bytes: nothing was accepted`);
    expect(error.details).toEqual({ errors: [{ field: 'events[1]', reason: 'too large' }], accepted: [] });
    expect(refusal(order(128, 100), size - 1).details).toEqual({ errors: [{ field: '(root)', reason: 'too large' }], accepted: [] });
  });

  it.each([[null], [[1]], ['text'], [{ events: 'x' }], [{ events: [] }]])('should answer 400 for body %j', (body) => {
    expect(refusal(body).statusCode).toBe(400);
  });
});
