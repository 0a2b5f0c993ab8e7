import { hash } from 'node:crypto';
import type { Envelope } from './envelope';

/** Field names repeat from record to record (a schema's few names): their JSON text is kept, up to a bound. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 1_000;
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * What JSON.stringify escapes in a string: `"`, `\\`, control characters, and (well-formed JSON.stringify,
 * ES2019) lone surrogates; a surrogate pair is sent to JSON.stringify too, which keeps it as it is.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Object.keys(record).sort(), by insertion for the few keys an event's objects have: `<` on strings
 * compares UTF-16 code units, as sort's default comparison does, so the order is the same.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * JSON with object keys sorted at every level, so the same content always gives the same text. Marks
 * hold digests of this text, so it must never change: it is the text the first version made with
 * map/filter/join (kept in the property test as the reference), written as plain loops because every
 * record of every batch goes through it (about half of contentDigest's cost before).
 */
export function stableJson(value: unknown): string {
  // Strings and numbers are most of every event's fields: their JSON is written here without a call
  // into JSON.stringify when it is plainly the same text (a string with nothing to escape; a finite number).
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify gives undefined for undefined, whatever lib.d.ts says
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      // A hole gives nothing, as Array#map then join did.
      if (i in value) text += stableJson(value[i]);
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  let text = '{';
  for (const key of keys) {
    const field = record[key];
    if (field === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${quotedKey(key)}:${stableJson(field)}`;
  }
  return `${text}}`;
}

/**
 * What an event says, as 22 characters (128 bits of SHA-256, base64url): its type, version, key and
 * data, after upcasting. Not its time, correlation or causation id, hop count or source: a client's
 * retry of the same event gets a new time, and a redelivery is one hop further along the same chain.
 * The idempotency marks hold it, so that "the same id with different content" can be told from a
 * duplicate (DESIGN.md, identity rules).
 */
export function contentDigest(envelope: Pick<Envelope, 'type' | 'version' | 'key' | 'data'>): string {
  // crypto.hash (Node 20.12+, 22): the same SHA-256 without a Hash object per call; every record of every batch takes one, so it halves this cost.
  // stableJson([type, version, key, data]), without building the array.
  const text = `[${stableJson(envelope.type)},${stableJson(envelope.version)},${stableJson(envelope.key)},${stableJson(envelope.data)}]`;
  return hash('sha256', text, 'base64url').slice(0, 22);
}
