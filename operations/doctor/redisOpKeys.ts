import type { RedisOp } from '../../shared/state/RedisOp';

/** What one write does to a key's expiry, as far as the TTL rule is concerned. */
export type KeyEffect = 'write' | 'write-with-expiry' | 'expiry' | 'delete';

export interface KeyTouch {
  key: string;
  effect: KeyEffect;
}

const EXPIRY_COMMANDS = new Set(['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']);
const DELETE_COMMANDS = new Set(['DEL', 'UNLINK']);
/** Commands that only take members out of an existing key: they never create one, so never need an expiry. */
const REMOVING_COMMANDS = new Set(['HDEL', 'SREM', 'ZREM', 'LREM', 'ZREMRANGEBYSCORE', 'ZREMRANGEBYRANK', 'ZREMRANGEBYLEX', 'LTRIM']);
const MULTI_KEY_WRITES = new Set(['MSET', 'MSETNX']);
/** SET's options that give the key an expiry (KEEPTTL keeps one only if the key already had it). */
const SET_EXPIRY_OPTIONS = new Set(['EX', 'PX', 'EXAT', 'PXAT']);

/**
 * The keys a projection's op touches and how. Projections issue single-key commands (the key is the
 * first argument); DEL/UNLINK and MSET are the multi-key writes worth knowing. Anything else that
 * writes is taken as a plain write, which must then be followed by an expiry on a `ttl` key: PERSIST
 * included, since it strips the expiry.
 */
export function keyTouchesOf(op: RedisOp): KeyTouch[] {
  if (op.kind === 'touch') return [{ key: op.key, effect: 'write-with-expiry' }];
  const [rawName, ...rest] = op.args;
  const name = (rawName ?? '').toUpperCase();
  const first = rest[0];
  if (DELETE_COMMANDS.has(name)) return rest.map((key) => ({ key, effect: 'delete' }));
  if (MULTI_KEY_WRITES.has(name)) return rest.filter((_, i) => i % 2 === 0).map((key) => ({ key, effect: 'write' }));
  if (first === undefined) return [];
  if (EXPIRY_COMMANDS.has(name)) return [{ key: first, effect: 'expiry' }];
  if (REMOVING_COMMANDS.has(name)) return [];
  if (name === 'SETEX' || name === 'PSETEX') return [{ key: first, effect: 'write-with-expiry' }];
  if ((name === 'SET' || name === 'GETEX') && rest.slice(1).some((arg) => SET_EXPIRY_OPTIONS.has(arg.toUpperCase()))) return [{ key: first, effect: 'write-with-expiry' }];
  return [{ key: first, effect: 'write' }];
}

/**
 * The keys a record's ops leave without an expiry: a write not followed (in the same ops, which run
 * in one atomic script) by an EXPIRE*, a SET with an expiry option or a touch on that key. Order
 * matters: an EXPIRE before the first write of a new key expires nothing.
 */
export function keysLeftWithoutExpiry(ops: readonly RedisOp[], mustExpire: (key: string) => boolean): string[] {
  const pending = new Map<string, boolean>();
  for (const touch of ops.flatMap(keyTouchesOf)) {
    if (!mustExpire(touch.key)) continue;
    pending.set(touch.key, touch.effect === 'write');
  }
  return [...pending].filter(([, needsExpiry]) => needsExpiry).map(([key]) => key);
}
