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

/** A Kafka topic partition, as the next-offset keys name it (`scores:3`). */
export type PartitionName = string;

/** The offset a consumer expects next on a partition: one past the last record it went through. */
export interface NextOffset {
  partition: PartitionName;
  next: bigint;
}

export interface AppliedState {
  /** The events of the batch that carry a mark, and whether the mark is of the same content. */
  marks: Map<string, MarkMatch>;
  /** The next offset this consumer expects per partition asked for, where one is kept. */
  expected: Map<PartitionName, bigint>;
}

/** A write the function's own Redis user may not make: the entry, the command and the key. */
export interface PermissionDenial {
  /** The event whose write was refused; undefined when it was a partition's offset key. */
  eventId: string | undefined;
  command: string;
  key: string;
}

export interface CommitResult {
  /** Event ids that were applied now. */
  applied: string[];
  /** Event ids found already marked with the same content (a concurrent or earlier invocation applied them). */
  skipped: string[];
  /** Event ids found marked with other content: nothing of theirs was applied. */
  conflicts: string[];
  /** Ops that Redis refused, by event id, so those records can be dead-lettered with the reason. */
  failed: Map<string, string>;
  /**
   * A write refused for lack of permission: that event and every one after it were neither applied
   * nor marked (`unapplied`), and no offset moved, so the batch must fail and come again.
   */
  denied: PermissionDenial | undefined;
  unapplied: string[];
}

/**
 * Batch-level idempotency storage: one round trip to find which events of a batch were applied (and
 * where each partition was expected to go on), one to apply the rest atomically together with their
 * marks (and move each partition's expectation on).
 */
export interface IdempotencyStore {
  /** `scope` prefixes every mark and offset key: one consumer, in one projection generation. */
  findApplied(scope: string, events: MarkedEvent[], partitions?: readonly PartitionName[]): Promise<AppliedState>;
  commit(scope: string, entries: IdempotencyEntry[], offsets?: readonly NextOffset[]): Promise<CommitResult>;
}
