import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The id of an event caused by `parentId`, the same every time the parent is handled again: a retried
 * or redelivered step republishes the same event, and every consumer drops the repeat by its id. It
 * keeps the parent's ULID time prefix (10 characters), so ids stay time-sortable, and takes the rest
 * from a hash of the parent id and the follow-up type.
 */
export function followUpId(parentId: string, type: string): string {
  const digest = createHash('sha256').update(`${parentId}|${type}`).digest();
  let suffix = '';
  for (let i = 0; i < 16; i++) suffix += CROCKFORD[(digest[i] ?? 0) & 31];
  const prefix = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(parentId) ? parentId.slice(0, 10) : '0000000000';
  return prefix + suffix;
}
