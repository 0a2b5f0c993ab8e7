/**
 * Lambda event filtering for a Kafka (MSK) event source mapping, the subset of the pattern syntax this
 * project declares: `{ value: { field: ["exact", ...], nested: { field: [...] } } }`. Lambda applies
 * the mapping's FilterCriteria before invoking: a record that matches none of the patterns (they are
 * ORed) never reaches the function, and its offset is committed all the same
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk-filtering.html). MSK mappings filter on the
 * record's `value` only, decoded from UTF-8 and matched as JSON when it parses as JSON; a value that
 * is not JSON cannot match an object pattern. Every other part of the pattern language (prefix,
 * anything-but, numeric, exists, plain-string values, numbers, null) is refused when compiled, so
 * the local mapping never filters differently from Lambda without saying so.
 *
 * Matching follows EventBridge's rules (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * every field of a pattern object must be present and match; a field matches when its string is one
 * of the listed values, or, when it is an array, when any of its elements does; an object pattern
 * applied to an array matches when one element matches it whole (a pattern never combines fields of
 * two different elements). Fields are looked up as the record's own properties, so a `constructor`
 * or `__proto__` pattern field never reads Object.prototype.
 */

/** A pattern object compiled: each field with the exact strings it accepts, or the pattern of its nested object. */
type PatternNode = ReadonlyMap<string, PatternNode | ReadonlySet<string>>;

/** Whether a record's value (its raw bytes, null for a tombstone) passes the mapping's filter. */
export type KafkaRecordFilter = (value: Buffer | null) => boolean;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

function refuse(where: string, why: string): never {
  throw new Error(
    `filter pattern ${where}: ${why}; the local MSK mapping implements only exact string values in arrays and nested objects, and refuses the rest rather than filter differently from Lambda`,
  );
}

function compileNode(pattern: unknown, path: string): PatternNode {
  if (!isObject(pattern)) return refuse(path, `must be an object, not ${JSON.stringify(pattern)}`);
  const fields = Object.keys(pattern);
  if (fields.length === 0) return refuse(path, 'is an empty object');
  const node = new Map<string, PatternNode | ReadonlySet<string>>();
  for (const field of fields) {
    const where = `${path}.${field}`;
    const expected = pattern[field];
    if (Array.isArray(expected)) {
      if (expected.length === 0) refuse(where, 'is an empty array');
      for (const value of expected) if (typeof value !== 'string') refuse(where, `${JSON.stringify(value)} is not an exact string value`);
      node.set(field, new Set(expected as string[]));
    } else if (isObject(expected)) {
      node.set(field, compileNode(expected, where));
    } else {
      refuse(where, `${JSON.stringify(expected)} is neither an array of values nor a nested object`);
    }
  }
  return node;
}

function matchesStrings(accepted: ReadonlySet<string>, field: unknown): boolean {
  if (typeof field === 'string') return accepted.has(field);
  return Array.isArray(field) && field.some((element) => matchesStrings(accepted, element));
}

function matchesNode(node: PatternNode, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((element) => matchesNode(node, element));
  if (!isObject(value)) return false;
  for (const [field, expected] of node) {
    if (!Object.hasOwn(value, field)) return false;
    const actual = value[field];
    if (expected instanceof Set ? !matchesStrings(expected, actual) : !matchesNode(expected as PatternNode, actual)) return false;
  }
  return true;
}

const NOT_JSON = Symbol('not JSON');
/** Lambda reads a Kafka value as UTF-8 text: bytes that are not UTF-8 are no JSON document. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parsedValue(value: Buffer | null): unknown {
  if (value === null) return NOT_JSON;
  try {
    return JSON.parse(utf8.decode(value)) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** The compiled pattern of one entry of `filterPatterns` (serverless.yml) or one `Pattern` (FilterCriteria, parsed). */
function compileMskPattern(pattern: unknown, index: number): PatternNode {
  const where = `#${index + 1}`;
  if (!isObject(pattern)) return refuse(where, `must be an object, not ${JSON.stringify(pattern)}`);
  const keys = Object.keys(pattern);
  // https://docs.aws.amazon.com/lambda/latest/dg/with-msk-filtering.html: "Amazon MSK event source mappings only support filtering on the value key."
  if (keys.length !== 1 || keys[0] !== 'value') refuse(where, `filters on ${keys.join(', ') || 'nothing'}: an MSK mapping filters on the record's value only`);
  // Only object patterns on a JSON value are matched here; refusing any other form keeps the local mapping from filtering differently from AWS.
  if (!isObject(pattern.value)) refuse(`${where} value`, 'must be an object pattern on the JSON value (a pattern on the value as a whole string is refused)');
  return compileNode(pattern.value, `${where} value`);
}

/** The filter of a mapping's patterns (ORed); throws on a pattern the local mapping does not implement. */
export function compileKafkaFilterPatterns(patterns: readonly unknown[]): KafkaRecordFilter {
  if (patterns.length === 0) throw new Error('filterPatterns is empty: leave it out to invoke every record');
  const nodes = patterns.map(compileMskPattern);
  return (value) => {
    const document = parsedValue(value);
    return document !== NOT_JSON && nodes.some((node) => matchesNode(node, document));
  };
}

/** The pattern that keeps the envelopes of these types: the envelope JSON carries its type at the top. */
export const envelopeTypePattern = (types: readonly string[]) => ({ value: { type: [...types] } });
