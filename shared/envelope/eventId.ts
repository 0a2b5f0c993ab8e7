import { getRandomValues } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * ulid asks its random source for one byte per character, and its own source makes a one-byte
 * `getRandomValues` call each time (16 per new millisecond: 2.3% of the ingest benchmark's CPU). The same
 * cryptographic bytes, drawn 4 KB at a time.
 */
const pool = new Uint8Array(4096);
let drawn = pool.length;
function pooledRandom(): number {
  if (drawn === pool.length) {
    getRandomValues(pool);
    drawn = 0;
  }
  return (pool[drawn++] ?? 0) / 256;
}

/**
 * Ids are ULIDs: unique, and sortable by creation time, so an archive or a Redis scan lists events in
 * the order they were made. The monotonic factory keeps ids made in the same millisecond ordered.
 */
const nextUlid = monotonicFactory(pooledRandom);

export const newEventId = (): string => nextUlid();

/**
 * Every id that ends up inside a Redis key or a Kafka header is limited to this alphabet: no `:`
 * (our key separator, so `user:x:day:1` cannot pose as another key), no spaces, no glob characters.
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;
