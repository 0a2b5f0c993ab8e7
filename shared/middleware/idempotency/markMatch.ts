import type { MarkMatch } from './IdempotencyStore';

/** Marks made before marks held digests hold `1`: read as the same content (see applyOnceScript; RedisIdempotencyStore reads them so too). */
const LEGACY_MARK = '1';

/** What an idempotency mark found in Redis says of an event with this content digest. */
export const markMatchOf = (mark: string, digest: string): MarkMatch => (mark === digest || mark === LEGACY_MARK ? 'same' : 'different');
