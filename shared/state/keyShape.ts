import { KEY_FAMILIES } from './redisKeys';

/**
 * A key with the ids in it replaced by `*` (`tp:g2-sessions:session:*`): what a log may say of a key.
 * Ids can be secrets of their own (a session id is a bearer token for GET /sessions/{id}), and the
 * family and generation are all an operator needs to find the access rule that is missing.
 */
export function keyShapeOf(key: string): string {
  const parts = key.split(':');
  const family = parts.findIndex((part, i) => i > 0 && Object.hasOwn(KEY_FAMILIES, part));
  if (family < 0) return `${parts[0] ?? ''}:*`;
  return family === parts.length - 1 ? key : `${parts.slice(0, family + 1).join(':')}:*`;
}
