import { monotonicFactory } from 'ulid';

/**
 * Ids are ULIDs: unique, and sortable by creation time, so an archive or a Redis scan lists events in
 * the order they were made. The monotonic factory keeps ids made in the same millisecond ordered.
 */
const nextUlid = monotonicFactory();

export const newEventId = (): string => nextUlid();

/**
 * Every id that ends up inside a Redis key or a Kafka header is limited to this alphabet: no `:`
 * (our key separator, so `user:x:day:1` cannot pose as another key), no spaces, no glob characters.
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;
