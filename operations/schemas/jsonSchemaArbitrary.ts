import fc from 'fast-check';

/** A schema uses a keyword the sampler cannot honour: its samples would prove nothing, so none are made. */
export class UnsampledSchemaError extends Error {
  constructor(field: string, keyword: string) {
    super(`cannot sample ${field || 'the value'}: keyword ${keyword}`);
    this.name = 'UnsampledSchemaError';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
/** Keywords that do not restrict values, or that samples filtered by the version's own zod schema may ignore. */
const IGNORED = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', 'format']);
/** Arrays stay short: an upcaster's bugs show on two items as well as on a hundred. */
const MAX_SAMPLED_ITEMS = 4;
const MAX_SAMPLED_STRING = 40;

/**
 * Values a JSON Schema accepts, for the subset of draft 2020-12 the event catalog's schemas use (types,
 * bounds, lengths, patterns, enums, objects with required and optional fields, arrays, unions). Format
 * is ignored: callers keep only samples the version's own zod schema accepts.
 */
export function jsonSchemaArbitrary(schema: unknown, field = ''): fc.Arbitrary<unknown> {
  if (schema === true || (isRecord(schema) && Object.keys(schema).every((k) => IGNORED.has(k)))) return fc.jsonValue();
  if (!isRecord(schema)) throw new UnsampledSchemaError(field, 'false');
  for (const keyword of Object.keys(schema)) {
    if (!IGNORED.has(keyword) && !KNOWN.has(keyword)) throw new UnsampledSchemaError(field, keyword);
  }
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (union !== undefined) {
    const { anyOf: _a, oneOf: _o, ...base } = schema;
    return fc.oneof(...union.map((branch) => jsonSchemaArbitrary(isRecord(branch) ? { ...base, ...branch } : branch, field)));
  }
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : undefined;
  if (types === undefined) throw new UnsampledSchemaError(field, 'no type');
  return fc.oneof(...types.map((type) => ofType(String(type), schema, field)));
}

const KNOWN = new Set([
  'type',
  'const',
  'enum',
  'anyOf',
  'oneOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
]);

/** JSON Schema counts a string's length in code points (draft 2020-12 validation, 6.3.1). */
const codePoints = (s: string): number => Array.from(s).length;
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function ofType(type: string, schema: Record<string, unknown>, field: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const exclusiveMin = num(schema.exclusiveMinimum);
      const exclusiveMax = num(schema.exclusiveMaximum);
      const min = Math.max(num(schema.minimum) ?? Number.MIN_SAFE_INTEGER, exclusiveMin === undefined ? Number.MIN_SAFE_INTEGER : Math.floor(exclusiveMin) + 1);
      const max = Math.min(num(schema.maximum) ?? Number.MAX_SAFE_INTEGER, exclusiveMax === undefined ? Number.MAX_SAFE_INTEGER : Math.ceil(exclusiveMax) - 1);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'number':
      return fc.double({
        min: num(schema.minimum) ?? num(schema.exclusiveMinimum),
        max: num(schema.maximum) ?? num(schema.exclusiveMaximum),
        minExcluded: schema.minimum === undefined && schema.exclusiveMinimum !== undefined,
        maxExcluded: schema.maximum === undefined && schema.exclusiveMaximum !== undefined,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'string': {
      const minLength = num(schema.minLength) ?? 0;
      const maxLength = num(schema.maxLength) ?? Math.max(minLength, MAX_SAMPLED_STRING);
      if (typeof schema.pattern !== 'string') return fc.string({ minLength, maxLength: Math.min(maxLength, Math.max(minLength, MAX_SAMPLED_STRING)) });
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => codePoints(s) >= minLength && codePoints(s) <= maxLength);
    }
    case 'array': {
      const minLength = num(schema.minItems) ?? 0;
      const maxLength = Math.min(num(schema.maxItems) ?? Number.MAX_SAFE_INTEGER, minLength + MAX_SAMPLED_ITEMS);
      return fc.array(jsonSchemaArbitrary(schema.items ?? true, `${field}[]`), { minLength, maxLength });
    }
    case 'object': {
      if (schema.additionalProperties !== false) throw new UnsampledSchemaError(field, 'additionalProperties other than false');
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
      const shape = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, jsonSchemaArbitrary(property, field === '' ? name : `${field}.${name}`)]));
      return fc.record(shape, { requiredKeys: required.filter((r) => r in shape) });
    }
    default:
      throw new UnsampledSchemaError(field, `type ${type}`);
  }
}
