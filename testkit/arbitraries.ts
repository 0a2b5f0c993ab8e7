import fc from 'fast-check';
import * as z from 'zod';
import { EVENT_CATALOG, specOf } from '../shared/envelope/eventCatalog';
import { SAFE_ID_PATTERN } from '../shared/envelope/eventId';
import { HttpError } from '../shared/http/HttpError';

/**
 * Generators shared by the property tests: valid client events for every type the catalog accepts
 * over HTTP, and the malformed input the system must refuse (bad ids, mutated events, garbage).
 */

export const SAFE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-'.split('');
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'.split('');

/** An id the catalog accepts: 1-128 characters of A-Z a-z 0-9 . _ @ -, with the 128 edge drawn often. */
export const safeIdArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom(...SAFE_ALPHABET), minLength: 1, maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...SAFE_ALPHABET), minLength: 120, maxLength: 128 }) },
);

/** Characters that would let an id pose as another Redis key, glob a SCAN, or split a header. */
export const FORBIDDEN_ID_CHARACTERS = [':', '*', '?', '[', ']', ' ', '\t', '\n', '\r', '\u00a0', '\u2028', '\u3000', '/', '%', '{', '}', '\u0000'];

/**
 * Strings that must never be accepted as an id: a forbidden character somewhere in a safe id, more
 * than 128 characters, empty, or any text with one character outside the alphabet.
 */
const decodesToSafeId = (id: string): boolean => {
  try {
    return SAFE_ID_PATTERN.test(decodeURIComponent(id));
  } catch {
    return false;
  }
};

export const unsafeIdArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.string({ unit: fc.constantFrom(...SAFE_ALPHABET), maxLength: 20 }), fc.constantFrom(...FORBIDDEN_ID_CHARACTERS), fc.string({ unit: fc.constantFrom(...SAFE_ALPHABET), maxLength: 20 }))
    .map(([before, bad, after]) => `${before}${bad}${after}`)
    // A '%' before two hex digits is an escape that can decode to a safe id ("%35" is "5"; a CI seed found it).
    .filter((id) => !decodesToSafeId(id)),
  fc.string({ unit: fc.constantFrom(...SAFE_ALPHABET), minLength: 129, maxLength: 400 }),
  fc.constant(''),
  // No '%': a percent escape can decode to a safe id ("%5A" is "Z"), which pathId rightly accepts (a CI seed found it).
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !SAFE_ID_PATTERN.test(s) && !s.includes('%')),
  fc.constantFrom('user:1:day:2026-01-01', 'tp:session:*', 'a b', 'x\r\nSET k v', '*', '?', '[a-z]', 'idem:consumer:id', `${'a'.repeat(128)}b`),
);

export const currencyArb = fc.string({ unit: fc.constantFrom(...UPPER), minLength: 3, maxLength: 3 });

/** A path of page.viewed: "/" then any well-formed text, up to the schema's 2048 UTF-16 code units. */
export const pathArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `/${s}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 2000, maxLength: 2047 }).map((s) => `/${s}`) },
);

export interface ClientEvent {
  type: string;
  version?: number;
  id?: string;
  key?: string;
  correlationId?: string;
  data: Record<string, unknown>;
}

/** Bodies come from JSON.parse: plain objects, never null-prototype ones. */
const plain = { noNullPrototype: true } as const;

const sessionStarted = fc.record({ sessionId: safeIdArb, userId: safeIdArb, ttlSeconds: fc.integer({ min: 1, max: 604_800 }) }, { requiredKeys: ['sessionId', 'userId'], noNullPrototype: true });
const sessionRef = fc.record({ sessionId: safeIdArb }, plain);
const flagSetV1 = fc.record({ name: safeIdArb, enabled: fc.boolean(), rollout: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: ['name', 'enabled'], noNullPrototype: true });
const flagSetV2 = fc.record({ name: safeIdArb, enabled: fc.boolean(), rollout: fc.integer({ min: 0, max: 100 }) }, plain);
const scoreRecorded = fc.record({ board: safeIdArb, userId: safeIdArb, points: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }) }, plain);
const pageViewed = fc.record({ userId: safeIdArb, path: pathArb }, plain);
const orderPlaced = fc.record(
  {
    orderId: safeIdArb,
    userId: safeIdArb,
    amount: fc.integer({ min: 1, max: 1_000_000_000_00 }),
    currency: currencyArb,
    paymentToken: safeIdArb,
    items: fc.array(fc.record({ sku: safeIdArb, qty: fc.integer({ min: 1, max: 1_000 }) }, plain), { minLength: 1, maxLength: 100 }),
  },
  plain,
);

/** Data generators per [type, version]: every type the catalog accepts over HTTP, every version it reads. */
export const DATA_ARBITRARIES: ReadonlyArray<{ type: string; version: number; data: fc.Arbitrary<Record<string, unknown>> }> = [
  { type: 'session.started', version: 1, data: sessionStarted },
  { type: 'session.touched', version: 1, data: sessionRef },
  { type: 'session.ended', version: 1, data: sessionRef },
  { type: 'flag.set', version: 1, data: flagSetV1 },
  { type: 'flag.set', version: 2, data: flagSetV2 },
  { type: 'score.recorded', version: 1, data: scoreRecorded },
  { type: 'page.viewed', version: 1, data: pageViewed },
  { type: 'order.placed', version: 1, data: orderPlaced },
];

/** Workflow outcomes and commands: known types that HTTP must refuse. */
export const WORKFLOW_ONLY_TYPES = Object.keys(EVENT_CATALOG).filter((type) => specOf(type)?.acceptedOverHttp === false);

/** A valid client event of any accepted type: version omitted (means 1) or given, optional id, key, correlation id. */
export const clientEventArb: fc.Arbitrary<ClientEvent> = fc.oneof(
  ...DATA_ARBITRARIES.map(({ type, version, data }) =>
    fc
      .record(
        {
          version: version === 1 ? fc.constantFrom<number | undefined>(undefined, 1) : fc.constant<number | undefined>(version),
          id: fc.option(safeIdArb, { nil: undefined }),
          // The key, when given, is the event's natural key: another one is refused (validateIncomingEvent).
          key: fc.boolean(),
          correlationId: fc.option(safeIdArb, { nil: undefined }),
          data,
        },
        { requiredKeys: ['data', 'key'] },
      )
      .map((fields): ClientEvent => {
        const event: ClientEvent = { type, data: fields.data };
        if (fields.version !== undefined) event.version = fields.version;
        if (fields.id !== undefined) event.id = fields.id;
        const naturalKey = fields.data[specOf(type)?.keyField ?? ''];
        if (fields.key && typeof naturalKey === 'string') event.key = naturalKey;
        if (fields.correlationId !== undefined) event.correlationId = fields.correlationId;
        return event;
      }),
  ),
);

/** Drops client ids repeated within a list: a repeated id is a (separately tested) refusal, not a valid batch. */
export const withUniqueIds = (events: ClientEvent[]): ClientEvent[] => {
  const seen = new Set<string>();
  return events.map((event) => {
    if (event.id === undefined) return event;
    if (seen.has(event.id)) {
      const copy: ClientEvent = { ...event };
      delete copy.id;
      return copy;
    }
    seen.add(event.id);
    return event;
  });
};

/** A JSON value nested `depth` levels deep, as arrays or objects. */
export const deeplyNested = (depth: number, asObject: boolean): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
};

export const fieldNameArb = fc.string({ unit: fc.constantFrom(...NAME_ALPHABET), minLength: 1, maxLength: 10 });

/** One change to a valid event that may (or may not) make it invalid. */
export type Mutation =
  { kind: 'delete'; where: 'top' | 'data'; pick: number } | { kind: 'set'; where: 'top' | 'data'; pick: number; value: unknown } | { kind: 'add'; where: 'top' | 'data'; name: string; value: unknown };

const whereArb = fc.constantFrom<'top' | 'data'>('top', 'data');
/**
 * JSON-like values whose object keys are plain names. An unknown key is named in an error path, and
 * validation joins several unknown keys with `,` and does not escape `.` or `[`: a key holding those
 * characters gives a path that cannot be resolved, so the path properties keep keys plain.
 */
export const plainJsonArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.object({ key: fieldNameArb, maxDepth: 2, values: [fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.constant(null)] }),
  fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxLength: 5 }),
  fc.string(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const badValueArb: fc.Arbitrary<unknown> = fc.oneof(plainJsonArb, unsafeIdArb, fc.constantFrom<unknown>(null, -1, 0, 1.5, 1e300, -1e300, '', true, [], {}, 'nope', '9'), fc.integer());

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant<'delete'>('delete'), where: whereArb, pick: fc.nat() }),
  fc.record({ kind: fc.constant<'set'>('set'), where: whereArb, pick: fc.nat(), value: badValueArb }),
  fc.record({ kind: fc.constant<'add'>('add'), where: whereArb, name: fieldNameArb, value: plainJsonArb }),
);

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A deep copy of `event` with the mutations applied in order. */
export function mutate(event: ClientEvent, mutations: Mutation[]): Record<string, unknown> {
  const copy = structuredClone(event) as unknown as Record<string, unknown>;
  for (const mutation of mutations) {
    const target = mutation.where === 'top' ? copy : copy.data;
    if (!isRecord(target)) continue;
    const names = Object.keys(target);
    if (mutation.kind === 'add') {
      target[mutation.name] = mutation.value;
      continue;
    }
    const name = names.length === 0 ? undefined : names[mutation.pick % names.length];
    if (name === undefined) continue;
    if (mutation.kind === 'delete') Reflect.deleteProperty(target, name);
    else target[name] = mutation.value;
  }
  return copy;
}

/** Every field name the contract knows (envelope fields and data fields of every schema, nested too). */
export function knownFieldNames(): Set<string> {
  const names = new Set<string>(['type', 'version', 'id', 'key', 'correlationId', 'data']);
  const visit = (schema: unknown): void => {
    if (schema instanceof z.ZodObject) {
      for (const [name, inner] of Object.entries(schema.shape)) {
        names.add(name);
        visit(inner);
      }
    } else if (schema instanceof z.ZodArray) visit(schema.element);
    else if (schema instanceof z.ZodOptional) visit(schema.unwrap());
  };
  for (const spec of Object.values(EVENT_CATALOG)) for (const schema of Object.values(spec.schemas)) visit(schema);
  return names;
}

/** A path as errors name it (`events[3].data.items[0].sku`, `data["a.b"]`, `(root)`) split into keys and indexes. */
export function pathSegments(field: string): Array<string | number> {
  if (field === '(root)') return [];
  const segments: Array<string | number> = [];
  for (const match of field.matchAll(/\[("(?:[^"\\]|\\.)*")\]|\[(\d+)\]|([^.[\]]+)/g)) {
    if (match[1] !== undefined) segments.push(JSON.parse(match[1]) as string);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(match[3]);
  }
  return segments;
}

/** The value at `segments` inside `root` (own properties and array slots only), or undefined. */
export function resolvePath(root: unknown, segments: ReadonlyArray<string | number>): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false, value: undefined };
      current = current[segment] as unknown;
    } else {
      if (!isRecord(current) || !Object.prototype.hasOwnProperty.call(current, segment)) return { found: false, value: undefined };
      current = current[segment];
    }
  }
  return { found: true, value: current };
}

/** What a function threw, or undefined when it returned. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Fails (with the error itself) unless `error` is an HttpError of one of `statuses` with a message. */
export function expectHttpError(error: unknown, statuses: readonly number[]): HttpError {
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`, { cause: error });
  expect(statuses).toContain(error.statusCode);
  expect(error.message.trim()).not.toBe('');
  return error;
}

export interface NamedFieldError {
  field: string;
  reason: string;
}

/** The `details.errors` of a 400, checked to be a list of non-empty field names and reasons. */
export function fieldErrorsOf(error: HttpError): NamedFieldError[] {
  const errors = error.details.errors;
  if (errors === undefined) return [];
  if (!Array.isArray(errors)) throw new Error(`details.errors is not a list: ${JSON.stringify(errors)}`);
  return errors.map((entry: unknown): NamedFieldError => {
    if (!isRecord(entry) || typeof entry.field !== 'string' || typeof entry.reason !== 'string') {
      throw new Error(`malformed field error ${JSON.stringify(entry)}`);
    }
    expect(entry.field).not.toBe('');
    expect(entry.reason.trim()).not.toBe('');
    return { field: entry.field, reason: entry.reason };
  });
}
