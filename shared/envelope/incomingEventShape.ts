import * as z from 'zod';
import { SAFE_ID_PATTERN } from './eventId';

const safeId = z.string().regex(SAFE_ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 . _ @ -');

/** One event as a client sends it, before its data is checked against its type's schema. */
export const incomingEventShape = z.strictObject({
  type: z.string().min(1).max(100),
  version: z.number().int().min(1).optional(),
  id: safeId.optional(),
  key: safeId.optional(),
  correlationId: safeId.optional(),
  data: z.record(z.string(), z.unknown()),
});

export type IncomingEventShape = z.infer<typeof incomingEventShape>;

const OPTIONAL_IDS = new Set(['id', 'key', 'correlationId']);

/**
 * The event's shape as `incomingEventShape` would give it, when the event certainly has it; undefined
 * otherwise, and zod then says what is wrong (every error a client sees stays zod's). This is the
 * whole check for nearly every event of an ingest request: zod's record copies the data key by key,
 * two objects per key, which made it a tenth of ingest's allocations. It accepts only JSON-made plain
 * objects with nothing unusual about them (a property test holds it to: accepted here, accepted by zod
 * with the same fields), and keeps the client's own data object, which the type's schema then checks.
 * A `constructor` or `__proto__` key in the data goes to zod, which treats both specially.
 */
export function certainIncomingShape(input: unknown): IncomingEventShape | undefined {
  if (!isJsonObject(input)) return undefined;
  const event = input as Record<string, unknown>;
  const type = event.type;
  const data = event.data;
  if (typeof type !== 'string' || type.length < 1 || type.length > 100) return undefined;
  if (!isJsonObject(data) || Object.prototype.hasOwnProperty.call(data, 'constructor') || Object.prototype.hasOwnProperty.call(data, '__proto__')) return undefined;
  const names = Object.keys(event);
  let known = 2;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name === 'type' || name === 'data') continue;
    const value = event[name];
    if (name === 'version') {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) return undefined;
    } else if (!OPTIONAL_IDS.has(name) || typeof value !== 'string' || !SAFE_ID_PATTERN.test(value)) return undefined;
    known++;
  }
  // Both required fields are own ones (not inherited), and nothing else was there.
  if (known !== names.length) return undefined;
  return event as IncomingEventShape;
}

/** A plain object as JSON.parse makes it: Object's own prototype, no symbol keys, every own key enumerable. */
function isJsonObject(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.getOwnPropertySymbols(value).length === 0 && Object.getOwnPropertyNames(value).length === Object.keys(value).length;
}
