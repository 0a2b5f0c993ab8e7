import { createEnvelope, type Envelope } from './envelope';
import { specOf } from './eventCatalog';
import { toFieldErrors, type FieldError } from './fieldErrors';
import { FOLLOW_UP_ID_SUFFIX, isReservedEventId } from './followUpId';
import { forbiddenKeyPath } from './forbiddenKeyPath';
import { certainIncomingShape, incomingEventShape, type IncomingEventShape } from './incomingEventShape';

/** A field of the event at `base` (`events[3]`), or of the body itself. */
const fieldAt = (base: string, field: string): string => (base === '' ? field : `${base}.${field}`);

const hasOwnProto = (value: unknown): boolean => value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, '__proto__');

export type IncomingEventResult = { ok: true; envelope: Envelope<Record<string, unknown>> } | { ok: false; errors: FieldError[] };

/**
 * Checks one event as a client sent it and builds its envelope. `base` is where the event sits in the
 * request body (`events[3]`), so every error names the exact field. Version 1 is assumed when the
 * client omits it: that is the version the public contract documents, and it must never break.
 */
export function validateIncomingEvent(input: unknown, base: string, source: string): IncomingEventResult {
  let event: IncomingEventShape | undefined = certainIncomingShape(input);
  if (event === undefined) {
    const shape = incomingEventShape.safeParse(input);
    if (!shape.success) return { ok: false, errors: toFieldErrors(base, shape.error) };
    event = shape.data;
  }

  // z.record drops a "__proto__" key instead of reporting it: refuse it here like any unknown field.
  if (Object.prototype.hasOwnProperty.call(event.data, '__proto__') || hasOwnProto((input as { data?: unknown }).data)) {
    return { ok: false, errors: [{ field: fieldAt(base, 'data.__proto__'), reason: 'unknown field' }] };
  }
  // Nested too (items[0].__proto__), and constructor / prototype, which no schema of ours has.
  const forbidden = forbiddenKeyPath((input as { data?: unknown }).data, 'data');
  if (forbidden !== undefined) return { ok: false, errors: [{ field: fieldAt(base, forbidden), reason: 'unknown field' }] };
  // Ids of that form are the workflow's own follow-ups (shared/envelope/followUpId.ts): a caller who could
  // use one could post under an order's future follow-up id, and the real follow-up would be refused.
  if (event.id !== undefined && isReservedEventId(event.id)) {
    return { ok: false, errors: [{ field: fieldAt(base, 'id'), reason: `ids ending in ${FOLLOW_UP_ID_SUFFIX} are reserved for events the workflow makes` }] };
  }
  const spec = specOf(event.type);
  if (spec === undefined) return { ok: false, errors: [{ field: fieldAt(base, 'type'), reason: `unknown event type ${event.type}` }] };
  if (!spec.acceptedOverHttp) {
    return { ok: false, errors: [{ field: fieldAt(base, 'type'), reason: `${event.type} is published by the workflow only` }] };
  }
  const version = event.version ?? 1;
  const schema = spec.schemas[version];
  if (schema === undefined) {
    return { ok: false, errors: [{ field: fieldAt(base, 'version'), reason: `unsupported version ${version} (current is ${spec.currentVersion})` }] };
  }
  const data = schema.safeParse(event.data);
  if (!data.success) return { ok: false, errors: toFieldErrors(fieldAt(base, 'data'), data.error) };

  const naturalKey = data.data[spec.keyField];
  // Every event of a type is partitioned by its natural key, and so is everything the workflow publishes
  // about it: a key of the caller's own would put an order's placement on another partition than its
  // outcomes, and a replay, which reads partitions independently, could not rebuild its saga.
  if (event.key !== undefined && typeof naturalKey === 'string' && event.key !== naturalKey) {
    return { ok: false, errors: [{ field: fieldAt(base, 'key'), reason: `must equal data.${spec.keyField} (${naturalKey}): events of ${event.type} are partitioned by it` }] };
  }
  const key = event.key ?? (typeof naturalKey === 'string' ? naturalKey : undefined);
  if (key === undefined) return { ok: false, errors: [{ field: fieldAt(base, 'key'), reason: 'required: the event has no natural key' }] };

  return {
    ok: true,
    envelope: createEnvelope({
      type: event.type,
      version,
      key,
      data: data.data,
      source,
      id: event.id,
      correlationId: event.correlationId,
    }),
  };
}
