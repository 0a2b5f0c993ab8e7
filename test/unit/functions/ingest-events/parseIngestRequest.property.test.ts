import fc from 'fast-check';
import { INGEST_SOURCE, MAX_EVENTS_PER_REQUEST, parseIngestRequest } from '../../../../functions/ingest-events/parseIngestRequest';
import type { Envelope } from '../../../../shared/envelope/envelope';
import { EVENT_CATALOG, specOf } from '../../../../shared/envelope/eventCatalog';
import { SAFE_ID_PATTERN } from '../../../../shared/envelope/eventId';
import { InvalidEventError } from '../../../../shared/envelope/InvalidEventError';
import { parseEnvelope } from '../../../../shared/envelope/parseEnvelope';
import { toKafkaMessage } from '../../../../shared/envelope/toKafkaMessage';
import { validateIncomingEvent } from '../../../../shared/envelope/validateIncomingEvent';
import {
  DATA_ARBITRARIES,
  WORKFLOW_ONLY_TYPES,
  clientEventArb,
  deeplyNested,
  expectHttpError,
  fieldErrorsOf,
  knownFieldNames,
  mutate,
  mutationArb,
  pathSegments,
  resolvePath,
  thrownBy,
  withUniqueIds,
  type ClientEvent,
} from '../../../../testkit/arbitraries';

const KNOWN_FIELDS = knownFieldNames();

/** What the envelope of a valid client event must be, before any upcasting. */
function expectEnvelopeOf(event: ClientEvent, envelope: Envelope<Record<string, unknown>>): void {
  const spec = specOf(event.type);
  if (spec === undefined) throw new Error(`generator produced unknown type ${event.type}`);
  const naturalKey = event.data[spec.keyField];
  expect(envelope).toStrictEqual({
    id: event.id ?? envelope.id,
    type: event.type,
    version: event.version ?? 1,
    source: INGEST_SOURCE,
    time: envelope.time,
    key: event.key ?? naturalKey,
    correlationId: event.correlationId ?? envelope.id,
    causationId: null,
    hops: 0,
    data: event.data,
  });
  expect(envelope.id).toMatch(SAFE_ID_PATTERN);
  expect(envelope.key).toMatch(SAFE_ID_PATTERN);
  expect(envelope.correlationId).toMatch(SAFE_ID_PATTERN);
  expect(new Date(envelope.time).toISOString()).toBe(envelope.time);
}

/** The envelope a consumer must read back: the same, with flag.set v1 upcast to v2 (rollout made explicit). */
function upcastExpectation(envelope: Envelope<Record<string, unknown>>): Envelope<Record<string, unknown>> {
  if (envelope.type !== 'flag.set' || envelope.version !== 1) return envelope;
  const rollout = envelope.data.rollout ?? (envelope.data.enabled === true ? 100 : 0);
  return { ...envelope, version: 2, data: { ...envelope.data, rollout } };
}

/** The envelopes ingest makes of a body. */
const envelopesOf = (body: unknown): Array<Envelope<Record<string, unknown>>> => parseIngestRequest(body).map(({ envelope }) => envelope);

/** An ingest body: one event as is, or a list under `events`. */
const bodyOf = (events: ClientEvent[], single: boolean): unknown => (single && events.length === 1 ? events[0] : { events });

describe('parseIngestRequest and validateIncomingEvent (properties)', () => {
  it('should answer any JSON or JS value only with an envelope list or an HttpError 400/413 with named fields', () => {
    const bodyArb = fc.oneof(
      fc.jsonValue(),
      fc.anything(),
      fc.record({ events: fc.array(fc.jsonValue(), { maxLength: 30 }) }),
      fc.record({ events: fc.anything() }),
      fc.array(clientEventArb, { maxLength: 3 }),
    );
    fc.assert(
      fc.property(bodyArb, (body) => {
        const error = thrownBy(() => parseIngestRequest(body));
        if (error === undefined) return;
        const http = expectHttpError(error, [400, 413]);
        const isBatch = body !== null && typeof body === 'object' && !Array.isArray(body) && Object.prototype.hasOwnProperty.call(body, 'events');
        for (const { field } of fieldErrorsOf(http)) {
          if (isBatch) expect(field).toMatch(/^events(\[\d+\])?/);
          else expect(field).not.toMatch(/^events\[/);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('should never throw from validateIncomingEvent, and name every error under the given base', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), fc.nat({ max: 499 }), (input, index) => {
        const base = `events[${index}]`;
        const result = validateIncomingEvent(input, base, INGEST_SOURCE);
        if (result.ok) return;
        expect(result.errors.length).toBeGreaterThan(0);
        for (const error of result.errors) {
          expect(error.field.startsWith(base)).toBe(true);
          expect(error.reason.trim()).not.toBe('');
        }
      }),
      { numRuns: 250 },
    );
  });

  it('should refuse deeply nested input anywhere with a 400, without overflowing the stack', () => {
    const placeArb = fc.constantFrom('body', 'events', 'event', 'data', 'field', 'unknown-field');
    fc.assert(
      fc.property(fc.integer({ min: 500, max: 20_000 }), fc.boolean(), placeArb, (depth, asObject, place) => {
        const deep = deeplyNested(depth, asObject);
        const view = { type: 'page.viewed', data: { userId: 'u-1', path: '/' } };
        const body =
          place === 'body'
            ? deep
            : place === 'events'
              ? { events: deep }
              : place === 'event'
                ? { events: [view, deep] }
                : place === 'data'
                  ? { events: [{ type: 'page.viewed', data: deep }] }
                  : place === 'field'
                    ? { events: [{ type: 'page.viewed', data: { userId: deep, path: '/' } }] }
                    : { events: [{ ...view, data: { ...view.data, nested: deep } }] };
        const error = expectHttpError(
          thrownBy(() => parseIngestRequest(body)),
          [400],
        );
        for (const { reason } of fieldErrorsOf(error)) expect(reason.length).toBeLessThan(1_000);
      }),
      { numRuns: 30 },
    );
  });

  it('should refuse huge strings in any field with a 400 whose reasons do not echo them', () => {
    const hugeArb = fc.integer({ min: 10_000, max: 400_000 }).map((n) => 'x'.repeat(n));
    const fieldArb = fc.constantFrom('type', 'id', 'key', 'correlationId', 'data.userId', 'data.path', 'data.extra');
    fc.assert(
      fc.property(hugeArb, fieldArb, fc.boolean(), (huge, field, batch) => {
        const event: Record<string, unknown> = { type: 'page.viewed', data: { userId: 'u-1', path: '/' } };
        const [top, inner] = field.split('.');
        if (top === undefined) return;
        if (inner === undefined) event[top] = huge;
        else event.data = { ...(event.data as Record<string, unknown>), [inner]: inner === 'path' ? `/${huge}` : huge };
        const error = expectHttpError(
          thrownBy(() => parseIngestRequest(batch ? { events: [event] } : event)),
          [400],
        );
        const errors = fieldErrorsOf(error);
        expect(errors.map((e) => e.field)).toContain(batch ? `events[0].${field}` : field);
        for (const { reason } of errors) expect(reason.length).toBeLessThan(1_000);
        expect(error.message.length).toBeLessThan(1_000);
      }),
      { numRuns: 40 },
    );
  });

  it('should accept every valid generated event, alone or in a batch, and build its envelope from it', () => {
    fc.assert(
      fc.property(fc.array(clientEventArb, { minLength: 1, maxLength: 20 }).map(withUniqueIds), fc.boolean(), (events, single) => {
        const envelopes = envelopesOf(bodyOf(events, single));
        expect(envelopes).toHaveLength(events.length);
        events.forEach((event, index) => {
          const envelope = envelopes[index];
          if (envelope === undefined) throw new Error(`no envelope for event ${index}`);
          expectEnvelopeOf(event, envelope);
        });
        expect(new Set(envelopes.map((e) => e.id)).size).toBe(envelopes.length);
      }),
      { numRuns: 150 },
    );
  });

  it('should round-trip every accepted envelope through the record ingest sends and parseEnvelope (flag.set v1 upcast to v2)', () => {
    fc.assert(
      fc.property(clientEventArb, (event) => {
        const [ingested] = parseIngestRequest(event);
        if (ingested === undefined) throw new Error('no envelope');
        const { envelope, record } = ingested;
        const message = record.record;
        expect(record.topic).toBe(specOf(envelope.type)?.topic);
        expect(message).toStrictEqual(toKafkaMessage(envelope));
        expect(record.bytes).toBe(Buffer.byteLength(envelope.key) + Buffer.byteLength(JSON.stringify(envelope)));
        expect(record.valueBytes).toBe(Buffer.byteLength(JSON.stringify(envelope)));
        expect(message.key).toBe(envelope.key);
        expect(message.headers).toStrictEqual({
          id: envelope.id,
          type: envelope.type,
          version: String(envelope.version),
          hops: '0',
          'correlation-id': envelope.correlationId,
        });
        if (typeof message.value !== 'string') throw new Error('value is not the JSON text');
        // What a consumer reads: the UTF-8 bytes the producer writes of that text.
        expect(parseEnvelope(Buffer.from(message.value, 'utf8').toString('utf8'))).toStrictEqual(upcastExpectation(envelope));
      }),
      { numRuns: 250 },
    );
  });

  it('should name, for mutated events, only fields whose parent exists in the input, and fail exactly the bad events', () => {
    const itemArb = fc.tuple(clientEventArb, fc.array(mutationArb, { maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 8 }), (items) => {
        const events = withUniqueIds(items.map(([event]) => event)).map((event, index) => mutate(event, items[index]?.[1] ?? []));
        const badIndexes = new Set<number>();
        events.forEach((event, index) => {
          if (!validateIncomingEvent(event, '', INGEST_SOURCE).ok) badIndexes.add(index);
        });
        const body = { events };
        const error = thrownBy(() => parseIngestRequest(body));
        if (error === undefined) {
          expect(badIndexes.size).toBe(0);
          return;
        }
        const errors = fieldErrorsOf(expectHttpError(error, [400]));
        const named = new Set<number>();
        for (const { field, reason } of errors) {
          const segments = pathSegments(field);
          expect(segments[0]).toBe('events');
          const index = segments[1];
          if (typeof index !== 'number') throw new Error(`field ${field} does not name an event`);
          named.add(index);
          const last = segments[segments.length - 1];
          const parent = resolvePath(body, segments.slice(0, -1));
          expect(parent.found).toBe(true);
          if (typeof last !== 'string') continue;
          if (reason === 'unknown field') {
            for (const name of last.split(',')) expect(Object.prototype.hasOwnProperty.call(parent.value, name)).toBe(true);
          } else if (!resolvePath(body, segments).found) {
            // A missing field: it must be one the contract defines.
            expect(KNOWN_FIELDS.has(last)).toBe(true);
          }
        }
        // Duplicate ids are refused on the later event; every other named event is one that is bad alone.
        for (const index of badIndexes) expect(named.has(index)).toBe(true);
        for (const index of named) {
          const dup = errors.some((e) => e.field === `events[${index}].id` && e.reason.startsWith('duplicate id'));
          expect(badIndexes.has(index) || dup).toBe(true);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('should refuse a version the catalog has no schema for, naming the version field', () => {
    const versionArb = fc.oneof(
      fc.integer({ min: 3, max: 1_000_000 }),
      fc.integer({ min: -1_000, max: 0 }),
      fc.double({ noNaN: true }).filter((v) => !Number.isInteger(v)),
    );
    fc.assert(
      fc.property(clientEventArb, versionArb, fc.boolean(), (event, version, batch) => {
        const bad = { ...event, version };
        const error = expectHttpError(
          thrownBy(() => parseIngestRequest(batch ? { events: [bad] } : bad)),
          [400],
        );
        expect(fieldErrorsOf(error).map((e) => e.field)).toContain(batch ? 'events[0].version' : 'version');
      }),
      { numRuns: 200 },
    );
    // Version 2 exists for flag.set only.
    fc.assert(
      fc.property(
        clientEventArb.filter((e) => e.type !== 'flag.set'),
        (event) => {
          const error = expectHttpError(
            thrownBy(() => parseIngestRequest({ ...event, version: 2 })),
            [400],
          );
          expect(fieldErrorsOf(error)).toContainEqual({ field: 'version', reason: expect.stringContaining('unsupported version 2') });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('should refuse workflow-only types and unknown types, naming the type field', () => {
    const typeArb = fc.oneof(
      fc.constantFrom(...WORKFLOW_ONLY_TYPES),
      fc.string({ minLength: 1, maxLength: 100 }).filter((t) => specOf(t) === undefined),
    );
    fc.assert(
      fc.property(typeArb, clientEventArb, (type, event) => {
        const error = expectHttpError(
          thrownBy(() => parseIngestRequest({ events: [{ ...event, type }] })),
          [400],
        );
        expect(fieldErrorsOf(error).map((e) => e.field)).toContain('events[0].type');
      }),
      { numRuns: 200 },
    );
  });

  it('should answer 413 past the event limit, whatever the events are', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_EVENTS_PER_REQUEST + 1, max: 2_000 }), fc.jsonValue({ maxDepth: 1 }), (count, item) => {
        const error = expectHttpError(
          thrownBy(() => parseIngestRequest({ events: Array.from({ length: count }, () => item) })),
          [413],
        );
        expect(error.message).toContain(String(count));
      }),
      { numRuns: 20 },
    );
  });

  it('should have a generator for every type and version the catalog accepts over HTTP', () => {
    const accepted = Object.entries(EVENT_CATALOG)
      .filter(([, spec]) => spec.acceptedOverHttp)
      .flatMap(([type, spec]) => Object.keys(spec.schemas).map((version) => `${type} v${version}`));
    expect(DATA_ARBITRARIES.map(({ type, version }) => `${type} v${version}`).sort()).toEqual(accepted.sort());
  });
});

describe('parseEnvelope (properties)', () => {
  const isInvalidEvent = (error: unknown): InvalidEventError => {
    if (!(error instanceof InvalidEventError)) throw new Error(`expected an InvalidEventError, got ${String(error)}`, { cause: error });
    expect(error.fields.length).toBeGreaterThan(0);
    for (const field of error.fields) {
      expect(field.field).not.toBe('');
      expect(field.reason.trim()).not.toBe('');
    }
    expect(error.message.trim()).not.toBe('');
    return error;
  };

  it('should throw only InvalidEventError, with at least one field, on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const error = thrownBy(() => parseEnvelope(text));
          if (error !== undefined) isInvalidEvent(error);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('should throw only InvalidEventError on envelopes with arbitrary or missing fields', () => {
    const validArb = clientEventArb.map((event) => {
      const [envelope] = envelopesOf(event);
      if (envelope === undefined) throw new Error('no envelope');
      return envelope as unknown as Record<string, unknown>;
    });
    const fieldArb = fc.constantFrom('id', 'type', 'version', 'source', 'time', 'key', 'correlationId', 'causationId', 'hops', 'data');
    const valueArb = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom<unknown>(undefined, -1, 0, 1.5, 99, 'a:b', '', 'flag.set', 'no.such.type'));
    fc.assert(
      fc.property(validArb, fc.array(fc.tuple(fieldArb, valueArb), { minLength: 1, maxLength: 4 }), (envelope, changes) => {
        const changed: Record<string, unknown> = { ...envelope };
        for (const [field, value] of changes) changed[field] = value;
        const error = thrownBy(() => parseEnvelope(JSON.stringify(changed)));
        if (error !== undefined) isInvalidEvent(error);
      }),
      { numRuns: 300 },
    );
  });

  it('should refuse unknown types and versions, naming the field', () => {
    const base = envelopesOf({ type: 'session.touched', data: { sessionId: 's-1' } })[0];
    if (base === undefined) throw new Error('no envelope');
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .string({ minLength: 1 })
            .filter((t) => specOf(t) === undefined)
            .map((type) => ({ type, field: 'type' })),
          fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }).map((version) => ({ version, field: 'version' })),
        ),
        (change) => {
          const { field, ...rest } = change;
          const error = isInvalidEvent(thrownBy(() => parseEnvelope(JSON.stringify({ ...base, ...rest }))));
          expect(error.fields.map((f) => f.field)).toContain(field);
        },
      ),
      { numRuns: 200 },
    );
  });
});
