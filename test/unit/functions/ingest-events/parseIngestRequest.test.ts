import { MAX_EVENTS_PER_REQUEST, parseIngestRequest } from '../../../../functions/ingest-events/parseIngestRequest';
import { HttpError } from '../../../../shared/http/HttpError';

const view = (userId: string, extra: Record<string, unknown> = {}) => ({ type: 'page.viewed', data: { userId, path: '/' }, ...extra });

const refusal = (body: unknown): HttpError => {
  try {
    parseIngestRequest(body);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('parseIngestRequest', () => {
  it('should accept one event or a list of them', () => {
    expect(parseIngestRequest(view('u'))).toHaveLength(1);
    expect(parseIngestRequest({ events: [view('a'), view('b')] }).map((e) => e.key)).toEqual(['a', 'b']);
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

  it.each([[null], [[1]], ['text'], [{ events: 'x' }], [{ events: [] }]])('should answer 400 for body %j', (body) => {
    expect(refusal(body).statusCode).toBe(400);
  });
});
