import * as z from 'zod';
import type { Envelope } from './envelope';
import { specOf } from './eventCatalog';
import { SAFE_ID_PATTERN } from './eventId';
import { toFieldErrors } from './fieldErrors';
import { forbiddenKeyPath } from './forbiddenKeyPath';
import { InvalidEventError } from './InvalidEventError';
import { upcastEnvelope } from './upcastEnvelope';

const safeId = z.string().regex(SAFE_ID_PATTERN);
// Projections compute expiries from it: a bad time would become EXPIREAT NaN and a key that never expires.
const isoTime = z.iso.datetime({ offset: true });
/**
 * For a string, z.iso.datetime's whole check is this one regex (its string-format check tests the
 * pattern, nothing else): the same verdict without a parse result per record (zod's safeParse of the
 * time was about 3% of the projection handler's profile).
 */
const isoTimePattern = isoTime._zod.def.pattern;
const isIsoTime = (text: string): boolean => (isoTimePattern === undefined ? isoTime.safeParse(text).success : isoTimePattern.test(text));

/** The envelope as zod checks it: the reference that the written-out checks of envelopeOf must agree with (a property test compares them). */
export const envelopeShape = z.object({
  id: safeId,
  type: z.string().min(1),
  version: z.number().int().min(1),
  source: z.string(),
  time: isoTime,
  key: z.string().min(1),
  correlationId: safeId,
  causationId: safeId.nullable(),
  hops: z.number().int().min(0),
  data: z.record(z.string(), z.unknown()),
});

const isSafeId = (value: unknown): value is string => typeof value === 'string' && SAFE_ID_PATTERN.test(value);
const isPlainRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/**
 * The envelope when `parsed` certainly passes envelopeShape, else undefined, and envelopeShape itself
 * decides and names the bad field. The same checks written out (z.number().int() is a safe integer;
 * the time goes through the same zod schema), building the same object zod would (the known fields in
 * shape order, unknown ones dropped). Anything unusual, such as a `__proto__` key in data, which
 * z.record drops, takes zod's path. zod parsing the envelope of every record was about 8% of the
 * projection profile; its data schema, which differs per event type, still runs through zod.
 */
function envelopeOf(parsed: unknown): Envelope<Record<string, unknown>> | undefined {
  if (!isPlainRecord(parsed)) return undefined;
  const { id, type, version, source, time, key, correlationId, causationId, hops, data } = parsed;
  if (
    !isSafeId(id) ||
    typeof type !== 'string' ||
    type.length < 1 ||
    typeof version !== 'number' ||
    !Number.isSafeInteger(version) ||
    version < 1 ||
    typeof source !== 'string' ||
    typeof time !== 'string' ||
    typeof key !== 'string' ||
    key.length < 1 ||
    !isSafeId(correlationId) ||
    (causationId !== null && !isSafeId(causationId)) ||
    typeof hops !== 'number' ||
    !Number.isSafeInteger(hops) ||
    hops < 0 ||
    !isPlainRecord(data) ||
    Object.prototype.hasOwnProperty.call(data, '__proto__') ||
    !isIsoTime(time)
  ) {
    return undefined;
  }
  return { id, type, version, source, time, key, correlationId, causationId, hops, data };
}

/**
 * Reads an envelope from the JSON a consumer received, checks its data against the schema of its own
 * version, then upcasts it: consumers only ever see current, valid data. Throws InvalidEventError
 * naming the bad field, which the record isolation turns into a dead letter.
 */
export function parseEnvelope(json: string): Envelope<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new InvalidEventError('value', `not JSON: ${(cause as Error).message}`, { cause });
  }
  // z.record and the object schemas drop a `__proto__` key without a word: the record would be applied
  // without it. Refused instead, as over HTTP. The text search keeps the walk off the hot path.
  if (json.includes('__proto__') || json.includes('constructor') || json.includes('prototype')) {
    const forbidden = forbiddenKeyPath(parsed, '');
    if (forbidden !== undefined) throw new InvalidEventError(forbidden, 'unknown field');
  }
  let envelope = envelopeOf(parsed);
  if (envelope === undefined) {
    const shape = envelopeShape.safeParse(parsed);
    if (!shape.success) throw InvalidEventError.of(toFieldErrors('', shape.error));
    envelope = shape.data;
  }
  const spec = specOf(envelope.type);
  if (spec === undefined) throw new InvalidEventError('type', `unknown event type ${envelope.type}`);
  const schema = spec.schemas[envelope.version];
  if (schema === undefined) {
    throw new InvalidEventError('version', `unsupported version ${envelope.version} of ${envelope.type} (current is ${spec.currentVersion})`);
  }
  const data = schema.safeParse(envelope.data);
  if (!data.success) throw InvalidEventError.of(toFieldErrors('data', data.error));
  // The envelope is a fresh object either way (zod's output or envelopeOf's), so its data is replaced in place.
  envelope.data = data.data;
  return upcastEnvelope(envelope);
}
