import { hash } from 'node:crypto';
import type { Envelope } from './envelope';

/** JSON with object keys sorted at every level, so the same content always gives the same text. */
export function stableJson(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify gives undefined for undefined, whatever lib.d.ts says
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`)
    .join(',')}}`;
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
  return hash('sha256', stableJson([envelope.type, envelope.version, envelope.key, envelope.data]), 'base64url').slice(0, 22);
}
