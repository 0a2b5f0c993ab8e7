import type { Envelope } from '../../shared/envelope/envelope';
import { fieldPath, type FieldError } from '../../shared/envelope/fieldErrors';
import { validateIncomingEvent } from '../../shared/envelope/validateIncomingEvent';
import { HttpError } from '../../shared/http/HttpError';
import { kafkaRecordOf, type SizedRecord } from '../../shared/publishing/publishToKafka';

export const MAX_EVENTS_PER_REQUEST = 500;
/** Below MSK's default 1 MB record limit, with room for headers. */
export const MAX_EVENT_BYTES = 256 * 1024;
export const INGEST_SOURCE = 'triplane/ingest-events';

/** An accepted event: its envelope, and the Kafka record it is sent as (made once: its size is checked on the JSON sent). */
export interface IngestedEvent {
  envelope: Envelope<Record<string, unknown>>;
  record: SizedRecord;
}

/**
 * Turns a POST /events body (one event, or `{events: [...]}`) into envelopes and their records, all or
 * nothing: if any event is bad the request is refused with every bad field named, so a client never
 * has to work out which half of a batch went in.
 */
export function parseIngestRequest(body: unknown, maxEventBytes = MAX_EVENT_BYTES): IngestedEvent[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'body must be an event object or {"events": [...]}');
  }
  const isBatch = Object.prototype.hasOwnProperty.call(body, 'events');
  const inputs: unknown[] = isBatch ? ((body as { events: unknown }).events as unknown[]) : [body];
  if (isBatch) {
    // Anything beside `events` would be silently dropped: refused, as unknown fields of an event are.
    const unknown = Object.keys(body).filter((name) => name !== 'events');
    if (unknown.length > 0) {
      throw new HttpError(400, 'a batch holds events and nothing else: nothing was accepted', {
        details: { errors: unknown.map((name) => ({ field: fieldPath('', [name]), reason: 'unknown field' })), accepted: [] },
      });
    }
    if (!Array.isArray(inputs)) throw new HttpError(400, 'events must be a list', { details: { errors: [{ field: 'events', reason: 'must be a list' }] } });
    if (inputs.length === 0) throw new HttpError(400, 'events is empty', { details: { errors: [{ field: 'events', reason: 'at least one event' }] } });
    if (inputs.length > MAX_EVENTS_PER_REQUEST) {
      throw new HttpError(413, `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${inputs.length}`, { details: { maxEvents: MAX_EVENTS_PER_REQUEST } });
    }
  }

  const envelopes: Array<Envelope<Record<string, unknown>>> = [];
  const errors: FieldError[] = [];
  const ids = new Set<string>();
  for (let index = 0; index < inputs.length; index++) {
    const base = isBatch ? eventPath(index) : '';
    const result = validateIncomingEvent(inputs[index], base, INGEST_SOURCE);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    if (ids.has(result.envelope.id)) {
      errors.push({ field: base === '' ? 'id' : `${base}.id`, reason: `duplicate id ${result.envelope.id} in this request` });
      continue;
    }
    ids.add(result.envelope.id);
    envelopes.push(result.envelope);
  }
  if (errors.length > 0) throw new HttpError(400, 'invalid events: nothing was accepted', { details: { errors, accepted: [] } });

  const events: IngestedEvent[] = new Array<IngestedEvent>(envelopes.length);
  for (let index = 0; index < envelopes.length; index++) {
    const envelope = envelopes[index] as Envelope<Record<string, unknown>>;
    const record = kafkaRecordOf(envelope);
    if (record.valueBytes > maxEventBytes) {
      throw new HttpError(413, `an event may be at most ${maxEventBytes} bytes: nothing was accepted`, {
        details: { errors: [{ field: isBatch ? `events[${index}]` : '(root)', reason: 'too large' }], accepted: [] },
      });
    }
    events[index] = { envelope, record };
  }
  return events;
}

/** `events[i]` for every index a request may hold, made once: each event's errors are named from it. */
const EVENT_PATHS = Array.from({ length: MAX_EVENTS_PER_REQUEST }, (_, index) => `events[${index}]`);
const eventPath = (index: number): string => EVENT_PATHS[index] ?? `events[${index}]`;
