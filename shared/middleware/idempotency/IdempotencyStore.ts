import type { RedisOp } from '../../state/RedisOp';

/** An event as the idempotency marks know it: its id and the digest of its content (contentDigest). */
export interface MarkedEvent {
  eventId: string;
  digest: string;
}

export interface IdempotencyEntry extends MarkedEvent {
  ops: RedisOp[];
}

/** What a mark says of an event: applied before with this content, or its id was used for other content. */
export type MarkMatch = 'same' | 'different';

export interface CommitResult {
  /** Event ids that were applied now. */
  applied: string[];
  /** Event ids found already marked with the same content (a concurrent or earlier invocation applied them). */
  skipped: string[];
  /** Event ids found marked with other content: nothing of theirs was applied. */
  conflicts: string[];
  /** Ops that Redis refused, by event id, so those records can be dead-lettered with the reason. */
  failed: Map<string, string>;
}

/**
 * Batch-level idempotency storage: one round trip to find which events of a batch were applied, one
 * to apply the rest atomically together with their marks.
 */
export interface IdempotencyStore {
  /** `scope` prefixes every mark: one consumer, in one projection generation. */
  /** The events of the batch that carry a mark, and whether the mark is of the same content. */
  findApplied(scope: string, events: MarkedEvent[]): Promise<Map<string, MarkMatch>>;
  commit(scope: string, entries: IdempotencyEntry[]): Promise<CommitResult>;
}
