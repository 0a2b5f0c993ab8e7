/**
 * Where a newer JSON Schema (draft 2020-12) accepts less than an older one: the ways a reader on the
 * newer schema could refuse a record written under the older. A record already in Kafka cannot be
 * rewritten, so any value the older schema let in must still pass; that is Confluent Schema Registry's
 * BACKWARD rule (https://docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html).
 *
 * The comparison is structural and conservative: a keyword it cannot prove wider (a changed regex, an
 * unknown assertion) counts as a narrowing, so the check may refuse a safe change but never passes a
 * breaking one it can see. Annotations (titles, descriptions, examples) never matter.
 */

export interface Narrowing {
  /** Where in the data: `rollout`, `items[].qty`, `` for the whole value. */
  field: string;
  /** What a record valid before could now fail on. */
  reason: string;
}

type Schema = boolean | Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', '$anchor', 'title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', '$defs', 'definitions']);
/** The keywords this module compares; any other assertion keyword is only accepted unchanged or removed. */
const UNDERSTOOD = new Set([
  'type',
  'enum',
  'const',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'uniqueItems',
  'items',
  'prefixItems',
  'minProperties',
  'maxProperties',
  'properties',
  'required',
  'additionalProperties',
  'anyOf',
  'oneOf',
  '$ref',
]);

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const asSchema = (value: unknown): Schema => (typeof value === 'boolean' ? value : isRecord(value) ? value : true);
const show = (value: unknown): string => (value === undefined ? 'undefined' : JSON.stringify(value));
const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);
const deepEqual = (a: unknown, b: unknown): boolean => show(canonical(a)) === show(canonical(b));

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical(value[k])]),
  );
}

/** Resolves local `#/$defs/...` references against the document a schema came from. */
interface Document {
  root: Schema;
}

function resolve(schema: Schema, doc: Document, seen: Set<string> = new Set()): Schema {
  if (typeof schema === 'boolean' || typeof schema.$ref !== 'string') return schema;
  const ref = schema.$ref;
  if (seen.has(ref) || !ref.startsWith('#/')) return schema;
  let target: unknown = doc.root;
  for (const part of ref.slice(2).split('/')) target = isRecord(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  if (target === undefined) return schema;
  const { $ref: _ref, ...siblings } = schema;
  const resolved = resolve(asSchema(target), doc, new Set([...seen, ref]));
  return Object.keys(siblings).length === 0 || typeof resolved === 'boolean' ? resolved : { ...resolved, ...siblings };
}

const TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'] as const;

const jsonTypeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value);

/** The JSON types a schema admits: those its values have when it lists values, else every type when it names none. */
function typesOf(schema: Record<string, unknown>): Set<string> {
  const declared = schema.type;
  if (typeof declared === 'string') return new Set([declared]);
  if (Array.isArray(declared)) return new Set(declared.filter((t): t is string => typeof t === 'string'));
  const values = valuesOf(schema);
  return values === undefined ? new Set(TYPES) : new Set(values.map(jsonTypeOf));
}

const admitsType = (types: Set<string>, type: string): boolean => types.has(type) || (type === 'integer' && types.has('number'));

/** A bound as the pair JSON Schema spells it in two keywords: `minimum` (inclusive) or `exclusiveMinimum`. */
interface Bound {
  value: number;
  exclusive: boolean;
}

function boundOf(schema: Record<string, unknown>, inclusive: string, exclusive: string, pick: (a: Bound, b: Bound) => Bound): Bound | undefined {
  const bounds: Bound[] = [];
  if (typeof schema[inclusive] === 'number') bounds.push({ value: schema[inclusive], exclusive: false });
  if (typeof schema[exclusive] === 'number') bounds.push({ value: schema[exclusive], exclusive: true });
  return bounds.reduce<Bound | undefined>((acc, b) => (acc === undefined ? b : pick(acc, b)), undefined);
}

const tighterLower = (a: Bound, b: Bound): Bound => (a.value > b.value || (a.value === b.value && a.exclusive) ? a : b);
const tighterUpper = (a: Bound, b: Bound): Bound => (a.value < b.value || (a.value === b.value && a.exclusive) ? a : b);
const showLower = (b: Bound | undefined) => (b === undefined ? 'none' : `${b.exclusive ? '>' : '>='} ${b.value}`);
const showUpper = (b: Bound | undefined) => (b === undefined ? 'none' : `${b.exclusive ? '<' : '<='} ${b.value}`);

/** Newer lower bound admits everything the older did. */
function lowerWidened(older: Bound | undefined, newer: Bound | undefined): boolean {
  if (newer === undefined) return true;
  if (older === undefined) return false;
  return newer.value < older.value || (newer.value === older.value && (!newer.exclusive || older.exclusive));
}

function upperWidened(older: Bound | undefined, newer: Bound | undefined): boolean {
  if (newer === undefined) return true;
  if (older === undefined) return false;
  return newer.value > older.value || (newer.value === older.value && (!newer.exclusive || older.exclusive));
}

/** `multipleOf`: every multiple of the older step is a multiple of the newer one. */
function stepWidened(older: unknown, newer: unknown): boolean {
  if (typeof newer !== 'number') return true;
  if (typeof older !== 'number') return false;
  const ratio = older / newer;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

interface Context {
  olderDoc: Document;
  newerDoc: Document;
  /** Pairs of `$ref`s already under comparison, so a recursive schema ends. */
  refs: Set<string>;
}

/**
 * Every way `newer` refuses what `older` accepted, with the field it concerns. Empty when newer is as
 * wide as older or wider.
 *
 * @example
 * schemaNarrowings({ type: 'integer', maximum: 100 }, { type: 'integer', maximum: 10 }); // [{ field: '', reason: 'range narrowed: maximum <= 100 -> <= 10' }]
 */
export function schemaNarrowings(older: unknown, newer: unknown, path = ''): Narrowing[] {
  const olderRoot = asSchema(older);
  const newerRoot = asSchema(newer);
  return compare(olderRoot, newerRoot, path, { olderDoc: { root: olderRoot }, newerDoc: { root: newerRoot }, refs: new Set() });
}

function compare(olderRaw: Schema, newerRaw: Schema, path: string, ctx: Context): Narrowing[] {
  const refOf = (schema: Schema) => (isRecord(schema) && typeof schema.$ref === 'string' ? schema.$ref : '');
  const refPair = `${refOf(olderRaw)}|${refOf(newerRaw)}`;
  if (refPair !== '|' && ctx.refs.has(refPair)) return [];
  const inner = refPair === '|' ? ctx : { ...ctx, refs: new Set([...ctx.refs, refPair]) };
  const older = resolve(olderRaw, ctx.olderDoc);
  const newer = resolve(newerRaw, ctx.newerDoc);
  if (newer === true || older === false) return [];
  if (newer === false) return [{ field: path, reason: 'now accepts nothing (schema false)' }];
  const olderObject: Record<string, unknown> = older === true ? {} : older;
  const found: Narrowing[] = [];
  const narrowed = (reason: string, field = path) => found.push({ field, reason });

  // Unions: each older alternative must fit some newer one (or the whole newer schema).
  const olderBranches = unionOf(olderObject);
  const newerBranches = unionOf(newer);
  if (olderBranches !== undefined || newerBranches !== undefined) {
    const olderBase = withoutUnion(olderObject);
    const newerBase = withoutUnion(newer);
    const candidates = (newerBranches ?? [{}]).map((branch) => merge(newerBase, branch));
    for (const branch of olderBranches ?? [{}]) {
      const alternative = merge(olderBase, branch);
      const results = candidates.map((candidate) => compare(alternative, candidate, path, inner));
      if (!results.some((r) => r.length === 0)) {
        const closest = results.reduce((a, b) => (b.length < a.length ? b : a));
        if (olderBranches === undefined) found.push(...closest);
        else narrowed(`alternative ${show(withoutAnnotations(branch))} no longer accepted (${closest.map((n) => `${n.field || 'value'}: ${n.reason}`).join('; ')})`);
      }
    }
    return found;
  }

  // Types: every type the older admitted must still be admitted (integer fits in number).
  const olderTypes = typesOf(olderObject);
  const newerTypes = typesOf(newer);
  const lostTypes = [...olderTypes].filter((t) => !admitsType(newerTypes, t));
  if (lostTypes.length > 0)
    narrowed(`type narrowed: ${olderObject.type !== undefined ? show(olderObject.type) : olderTypes.size < TYPES.length ? show([...olderTypes]) : 'any'} -> ${show(newer.type)}`);

  // Values.
  const olderValues = valuesOf(olderObject);
  const newerValues = valuesOf(newer);
  if (newerValues !== undefined) {
    if (olderValues === undefined) narrowed(`values narrowed: any -> ${show(newerValues)}`);
    else {
      const lost = olderValues.filter((v) => !newerValues.some((n) => deepEqual(n, v)));
      if (lost.length > 0) narrowed(`enum value${lost.length > 1 ? 's' : ''} removed: ${lost.map(show).join(', ')}`);
    }
  }

  // Numbers.
  if (admitsType(olderTypes, 'integer') || olderTypes.has('number')) {
    const olderMin = boundOf(olderObject, 'minimum', 'exclusiveMinimum', tighterLower);
    const newerMin = boundOf(newer, 'minimum', 'exclusiveMinimum', tighterLower);
    if (!lowerWidened(olderMin, newerMin)) narrowed(`range narrowed: minimum ${showLower(olderMin)} -> ${showLower(newerMin)}`);
    const olderMax = boundOf(olderObject, 'maximum', 'exclusiveMaximum', tighterUpper);
    const newerMax = boundOf(newer, 'maximum', 'exclusiveMaximum', tighterUpper);
    if (!upperWidened(olderMax, newerMax)) narrowed(`range narrowed: maximum ${showUpper(olderMax)} -> ${showUpper(newerMax)}`);
    if (!stepWidened(olderObject.multipleOf, newer.multipleOf)) narrowed(`multipleOf narrowed: ${show(olderObject.multipleOf)} -> ${show(newer.multipleOf)}`);
  }

  // Strings.
  if (olderTypes.has('string')) {
    counts(olderObject, newer, 'minLength', 'maxLength', 'length', narrowed);
    if (newer.pattern !== undefined && newer.pattern !== olderObject.pattern) {
      narrowed(
        olderObject.pattern === undefined ? `pattern added: ${show(newer.pattern)}` : `pattern changed: ${show(olderObject.pattern)} -> ${show(newer.pattern)} (a regex cannot be proven wider)`,
      );
    }
    if (newer.format !== undefined && newer.format !== olderObject.format) {
      narrowed(olderObject.format === undefined ? `format added: ${show(newer.format)}` : `format changed: ${show(olderObject.format)} -> ${show(newer.format)}`);
    }
  }

  // Arrays.
  if (olderTypes.has('array')) {
    counts(olderObject, newer, 'minItems', 'maxItems', 'item count', narrowed);
    if (newer.uniqueItems === true && olderObject.uniqueItems !== true) narrowed('items must now be unique');
    const olderPrefix = Array.isArray(olderObject.prefixItems) ? olderObject.prefixItems.map(asSchema) : [];
    const newerPrefix = Array.isArray(newer.prefixItems) ? newer.prefixItems.map(asSchema) : [];
    const olderRest = asSchema(olderObject.items);
    const newerRest = asSchema(newer.items);
    const positions = Math.max(olderPrefix.length, newerPrefix.length);
    for (let i = 0; i < positions; i += 1) found.push(...compare(olderPrefix[i] ?? olderRest, newerPrefix[i] ?? newerRest, `${path}[${i}]`, inner));
    found.push(...compare(olderRest, newerRest, `${path}[]`, inner));
  }

  // Objects.
  if (olderTypes.has('object')) {
    counts(olderObject, newer, 'minProperties', 'maxProperties', 'property count', narrowed);
    const olderProps = isRecord(olderObject.properties) ? olderObject.properties : {};
    const newerProps = isRecord(newer.properties) ? newer.properties : {};
    const olderRequired = new Set(Array.isArray(olderObject.required) ? olderObject.required.filter((r): r is string => typeof r === 'string') : []);
    const newerRequired = Array.isArray(newer.required) ? newer.required.filter((r): r is string => typeof r === 'string') : [];
    const olderExtra = asSchema(olderObject.additionalProperties);
    const newerExtra = asSchema(newer.additionalProperties);
    const added = Object.keys(newerProps).filter((name) => !Object.prototype.hasOwnProperty.call(olderProps, name));

    for (const name of newerRequired.filter((r) => !olderRequired.has(r))) {
      narrowed(Object.prototype.hasOwnProperty.call(olderProps, name) ? 'made required: older records may lack it' : 'new required field: older records lack it', join(path, name));
    }
    for (const [name, olderProp] of Object.entries(olderProps)) {
      const field = join(path, name);
      if (Object.prototype.hasOwnProperty.call(newerProps, name)) {
        found.push(...compare(asSchema(olderProp), asSchema(newerProps[name]), field, inner));
      } else if (newerExtra === false) {
        narrowed(`field removed${added.length > 0 ? ` (or renamed to ${added.join(' or ')})` : ''}: older records may hold it`, field);
      } else {
        found.push(...compare(asSchema(olderProp), newerExtra, field, inner));
      }
    }
    // A field the older schema did not name was whatever its additionalProperties allowed.
    if (olderExtra !== false) for (const name of added) found.push(...compare(olderExtra, asSchema(newerProps[name]), join(path, name), inner));
    if (newerExtra === false && olderExtra !== false) narrowed('additionalProperties closed: older records may hold fields it does not name', join(path, '*'));
    else if (newerExtra !== true && olderExtra !== false) found.push(...compare(olderExtra, newerExtra, join(path, '*'), inner));
  }

  // Anything else that asserts: unchanged or removed is fine, added or changed cannot be proven wider.
  for (const keyword of Object.keys(newer)) {
    if (ANNOTATIONS.has(keyword) || UNDERSTOOD.has(keyword)) continue;
    if (!deepEqual(olderObject[keyword], newer[keyword]))
      narrowed(`keyword ${keyword} ${keyword in olderObject ? 'changed' : 'added'}: ${show(newer[keyword])} (cannot be compared, so treated as narrowing)`);
  }
  return found;
}

function counts(older: Record<string, unknown>, newer: Record<string, unknown>, minKey: string, maxKey: string, what: string, narrowed: (reason: string) => void): void {
  const bound = (schema: Record<string, unknown>, key: string): Bound | undefined => (typeof schema[key] === 'number' ? { value: schema[key], exclusive: false } : undefined);
  const value = (schema: Record<string, unknown>, key: string) => (schema[key] === undefined ? 'none' : show(schema[key]));
  if (!lowerWidened(bound(older, minKey), bound(newer, minKey))) narrowed(`${what} narrowed: ${minKey} ${value(older, minKey)} -> ${value(newer, minKey)}`);
  if (!upperWidened(bound(older, maxKey), bound(newer, maxKey))) narrowed(`${what} narrowed: ${maxKey} ${value(older, maxKey)} -> ${value(newer, maxKey)}`);
}

function valuesOf(schema: Record<string, unknown>): unknown[] | undefined {
  const listed: unknown[] | undefined = Array.isArray(schema.enum) ? schema.enum : undefined;
  if ('const' in schema) return listed === undefined ? [schema.const] : listed.filter((v) => deepEqual(v, schema.const));
  const values: unknown[] | undefined = Array.isArray(schema.enum) ? schema.enum : undefined;
  return values;
}

function unionOf(schema: Record<string, unknown>): Schema[] | undefined {
  const branches: unknown[] | undefined = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  return branches?.map(asSchema);
}

function withoutUnion(schema: Record<string, unknown>): Record<string, unknown> {
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
  return rest;
}

function withoutAnnotations(schema: Schema): Schema {
  return typeof schema === 'boolean' ? schema : Object.fromEntries(Object.entries(schema).filter(([k]) => !ANNOTATIONS.has(k)));
}

/** A union branch with the keywords beside the union (both apply, as in JSON Schema's own evaluation). */
function merge(base: Record<string, unknown>, branch: Schema): Schema {
  if (typeof branch === 'boolean') return branch && Object.keys(base).length > 0 ? base : branch;
  return { ...base, ...branch };
}
