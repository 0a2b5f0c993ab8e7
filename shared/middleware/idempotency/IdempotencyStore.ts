import type { RedisOp } from '../../state/RedisOp';

export interface IdempotencyEntry {
  eventId: string;
  ops: RedisOp[];
}

export interface CommitResult {
  /** Event ids that were applied now. */
  applied: string[];
  /** Event ids found already marked (a concurrent or earlier invocation applied them). */
  skipped: string[];
  /** Ops that Redis refused, by event id, so those records can be dead-lettered with the reason. */
  failed: Map<string, string>;
}

/**
 * Batch-level idempotency storage: one round trip to find which events of a batch were applied, one
 * to apply the rest atomically together with their marks.
 */
export interface IdempotencyStore {
  /** `scope` prefixes every mark: one consumer, in one projection generation. */
  findApplied(scope: string, eventIds: string[]): Promise<Set<string>>;
  commit(scope: string, entries: IdempotencyEntry[]): Promise<CommitResult>;
}
