import { getRandomValues } from 'node:crypto';

/** Crockford's base32, as ULIDs use it (https://github.com/ulid/spec). */
const ENCODING = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

/** Cryptographic bytes drawn 4 KB at a time: one `getRandomValues` call per byte was 2.3% of ingest's CPU. */
const pool = new Uint8Array(4096);
let drawn = pool.length;
function randomDigit(): number {
  if (drawn === pool.length) {
    getRandomValues(pool);
    drawn = 0;
  }
  // The ulid package's digit for a byte (floor(byte / 256 * 32)): its top five bits.
  return (pool[drawn++] ?? 0) >> 3;
}

let lastTime = -1;
const random = new Uint8Array(RANDOM_CHARS);
/** The id's characters, made into a string in one step. */
const text = Buffer.alloc(TIME_CHARS + RANDOM_CHARS);

/**
 * Ids are ULIDs: unique, and sortable by creation time, so an archive or a Redis scan lists events in
 * the order they were made. Monotonic as the ulid package's monotonicFactory: within a millisecond (or
 * when the clock steps back) the random part of the last id is incremented, so ids keep their order.
 * Made here rather than by that package because it builds each id a character at a time, a rope of 26
 * strings that every JSON.stringify of the envelope then had to flatten (ingest makes one per event:
 * about 1 us of its ~23 us of CPU per event, measured A/B). The same ids: tied to the package by tests.
 */
export function newEventId(): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    let time = now;
    for (let i = TIME_CHARS - 1; i >= 0; i--) {
      text[i] = ENCODING.charCodeAt(time % 32);
      time = Math.floor(time / 32);
    }
    for (let i = 0; i < RANDOM_CHARS; i++) random[i] = randomDigit();
  } else {
    let i = RANDOM_CHARS - 1;
    while (i >= 0 && random[i] === 31) random[i--] = 0;
    // 2^80 ids in one millisecond: the ulid package fails the same way.
    if (i < 0) throw new Error('ULID random part overflowed within one millisecond');
    random[i] = (random[i] ?? 0) + 1;
  }
  for (let i = 0; i < RANDOM_CHARS; i++) text[TIME_CHARS + i] = ENCODING.charCodeAt(random[i] ?? 0);
  return text.toString('latin1');
}

/**
 * Every id that ends up inside a Redis key or a Kafka header is limited to this alphabet: no `:`
 * (our key separator, so `user:x:day:1` cannot pose as another key), no spaces, no glob characters.
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;
