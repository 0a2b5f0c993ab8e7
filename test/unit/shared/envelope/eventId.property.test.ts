import fc from 'fast-check';
import { parseIngestRequest } from '../../../../functions/ingest-events/parseIngestRequest';
import { SAFE_ID_PATTERN } from '../../../../shared/envelope/eventId';
import { InvalidEventError } from '../../../../shared/envelope/InvalidEventError';
import { parseEnvelope } from '../../../../shared/envelope/parseEnvelope';
import { keyFamilyOf, redisKeys } from '../../../../shared/state/redisKeys';
import { clientEventArb, expectHttpError, fieldErrorsOf, safeIdArb, thrownBy, unsafeIdArb, type ClientEvent } from '../../../../testkit/arbitraries';

/** Where a client event carries an id that ends up in a Redis key or a Kafka header, as error paths name it. */
function idLocations(event: ClientEvent): string[] {
  const locations = ['id', 'key', 'correlationId'];
  for (const name of ['sessionId', 'userId', 'board', 'orderId', 'name', 'paymentToken']) {
    if (Object.prototype.hasOwnProperty.call(event.data, name)) locations.push(`data.${name}`);
  }
  const items = event.data.items;
  if (Array.isArray(items)) items.forEach((_, index) => locations.push(`data.items[${index}].sku`));
  return locations;
}

/** A deep copy of `target` with the value at a dotted path (`data.items[2].sku`) replaced. */
function withValueAt<T>(target: T, path: string, value: unknown): T {
  const copy = structuredClone(target) as unknown as Record<string, unknown>;
  const segments = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? '')));
  let current: unknown = copy;
  segments.forEach((segment, index) => {
    const container = current as Record<string | number, unknown>;
    if (index === segments.length - 1) container[segment] = value;
    else current = container[segment];
  });
  return copy as unknown as T;
}

const pick = <T>(list: readonly T[], n: number): T => {
  const value = list[n % list.length];
  if (value === undefined) throw new Error('empty list');
  return value;
};

describe('ids used in Redis keys (properties)', () => {
  it('should refuse with 400, naming the field, any id with : * ? [ whitespace or over 128 characters', () => {
    fc.assert(
      fc.property(clientEventArb, fc.nat(), unsafeIdArb, fc.boolean(), (event, n, bad, batch) => {
        const location = pick(idLocations(event), n);
        const injected = withValueAt(event, location, bad);
        const error = expectHttpError(
          thrownBy(() => parseIngestRequest(batch ? { events: [injected] } : injected)),
          [400],
        );
        expect(error.details.accepted).toEqual([]);
        expect(fieldErrorsOf(error).map((e) => e.field)).toContain(batch ? `events[0].${location}` : location);
      }),
      { numRuns: 300 },
    );
  });

  it('should refuse the whole batch when one event of many carries an injected id', () => {
    fc.assert(
      fc.property(fc.array(clientEventArb, { minLength: 2, maxLength: 10 }), fc.nat(), fc.nat(), unsafeIdArb, (events, e, n, bad) => {
        const index = e % events.length;
        const target = pick(events, index);
        const location = pick(idLocations(target), n);
        const list = events.map((event, i) => (i === index ? withValueAt(event, location, bad) : { ...event, id: undefined }));
        const error = expectHttpError(
          thrownBy(() => parseIngestRequest({ events: list })),
          [400],
        );
        expect(fieldErrorsOf(error).map((f) => f.field)).toContain(`events[${index}].${location}`);
      }),
      { numRuns: 120 },
    );
  });

  it('should only ever accept ids that stay one segment of a Redis key', () => {
    fc.assert(
      fc.property(clientEventArb, fc.nat(), fc.oneof(safeIdArb, unsafeIdArb, fc.string({ unit: 'binary' })), (event, n, candidate) => {
        const location = pick(idLocations(event), n);
        const error = thrownBy(() => parseIngestRequest(withValueAt(event, location, candidate)));
        if (error !== undefined) {
          expectHttpError(error, [400]);
          return;
        }
        expect(candidate).toMatch(SAFE_ID_PATTERN);
        // Such an id cannot pose as another key: every key built from it keeps its family and its shape.
        const keys = redisKeys('tp');
        expect(keyFamilyOf('tp', keys.session(candidate))).toBe('session');
        expect(keys.activityDay(candidate, '2026-01-15').split(':')).toEqual(['tp', 'activity-day', candidate, '2026-01-15']);
        expect(keys.idempotency('project-sessions', candidate).split(':')).toHaveLength(4);
      }),
      { numRuns: 250 },
    );
  });

  it('should refuse injected ids in envelopes read from Kafka, naming the field', () => {
    const envelopeArb = clientEventArb.map((event) => {
      const [ingested] = parseIngestRequest(event);
      if (ingested === undefined) throw new Error('no envelope');
      return { event, envelope: ingested.envelope };
    });
    fc.assert(
      fc.property(envelopeArb, fc.nat(), unsafeIdArb, ({ event, envelope }, n, bad) => {
        const locations = ['id', 'correlationId', 'causationId', ...idLocations(event).filter((l) => l.startsWith('data.'))];
        const location = pick(locations, n);
        const error = thrownBy(() => parseEnvelope(JSON.stringify(withValueAt(envelope, location, bad))));
        if (!(error instanceof InvalidEventError)) throw new Error(`expected InvalidEventError, got ${String(error)}`);
        expect(error.fields.map((f) => f.field)).toContain(location);
      }),
      { numRuns: 200 },
    );
  });
});
