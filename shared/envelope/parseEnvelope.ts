import { z } from 'zod';
import type { Envelope } from './envelope';
import { specOf } from './eventCatalog';
import { SAFE_ID_PATTERN } from './eventId';
import { toFieldErrors } from './fieldErrors';
import { InvalidEventError } from './InvalidEventError';
import { upcastEnvelope } from './upcastEnvelope';

const safeId = z.string().regex(SAFE_ID_PATTERN);

const envelopeShape = z.object({
  id: safeId,
  type: z.string().min(1),
  version: z.number().int().min(1),
  source: z.string(),
  // Projections compute expiries from it: a bad time would become EXPIREAT NaN and a key that never expires.
  time: z.iso.datetime({ offset: true }),
  key: z.string().min(1),
  correlationId: safeId,
  causationId: safeId.nullable(),
  hops: z.number().int().min(0),
  data: z.record(z.string(), z.unknown()),
});

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
  const shape = envelopeShape.safeParse(parsed);
  if (!shape.success) throw InvalidEventError.of(toFieldErrors('', shape.error));
  const envelope = shape.data;
  const spec = specOf(envelope.type);
  if (spec === undefined) throw new InvalidEventError('type', `unknown event type ${envelope.type}`);
  const schema = spec.schemas[envelope.version];
  if (schema === undefined) {
    throw new InvalidEventError('version', `unsupported version ${envelope.version} of ${envelope.type} (current is ${spec.currentVersion})`);
  }
  const data = schema.safeParse(envelope.data);
  if (!data.success) throw InvalidEventError.of(toFieldErrors('data', data.error));
  return upcastEnvelope({ ...envelope, data: data.data });
}
