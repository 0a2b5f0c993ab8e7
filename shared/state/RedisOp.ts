/**
 * A write a projection asks for. Projections are pure: they turn an event into these values, and the
 * idempotency store applies them in one atomic script together with the event's idempotency mark, so
 * a crash can never leave an increment applied but unmarked (and then applied again on retry).
 */
export type RedisOp =
  /** Any Redis write command, e.g. ['ZINCRBY', key, '5', 'user-1']. */
  | { kind: 'command'; args: string[] }
  /**
   * Set one hash field and push the expiry to `at + <ttl stored in ttlField>`, but only when the hash
   * exists: a touch must never resurrect an ended or expired session without its TTL.
   */
  | { kind: 'touch'; key: string; field: string; value: string; at: number; ttlField: string };

export const command = (...args: Array<string | number>): RedisOp => ({ kind: 'command', args: args.map(String) });
