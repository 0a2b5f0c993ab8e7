import type { MiddlewareObj } from '@middy/core';
import { contentDigest } from '../../envelope/contentDigest';
import { reportSkippedRecords } from '../../observability/skippedRecordsMetric';
import { keyShapeOf } from '../../state/keyShape';
import type { AcceptedRecord, BatchContext, RecordBatch } from '../batch/RecordBatch';
import type { PartitionSpan } from '../batch/partitionSpans';
import type { CommitResult, IdempotencyStore, PartitionName } from './IdempotencyStore';
import { nextOffsetsOf, offsetGaps, partitionNameOf, type OffsetGap } from './offsetGaps';

export interface BatchIdempotencyOptions {
  store: IdempotencyStore;
  /** Marks are per consumer: the same event must be applied once by each function that reads it. */
  consumer: string;
  /**
   * The handler only collects Redis writes (batch.write) from each record's content and does nothing
   * else (a projection without `alongside`): running it for a record already applied changes nothing,
   * so the marks need not be read first (see `marksFirst`).
   */
  pureWork?: boolean;
}

/** The reason every such record is dead-lettered with; `archive lookup --event-id` shows it (DESIGN.md, identity rules). */
export const ID_REUSED_REASON = 'id reused with different content';

const refuseReused = <T>(batch: RecordBatch<T>, record: AcceptedRecord<T>, consumer: string, where: string): void => {
  batch.rejectAccepted(record, `${ID_REUSED_REASON}: ${record.envelope.type} ${record.envelope.id} differs from the event ${where} under that id (${consumer} applies an id once)`, 'id-reused');
};

/** The error a batch fails with when Redis refused one of its writes for lack of permission. */
export class PermissionDefectError extends Error {
  constructor(consumer: string, denial: NonNullable<CommitResult['denied']>, unapplied: number) {
    super(
      `NOPERM: ${consumer}'s Redis user may not ${denial.command.toUpperCase()} ${keyShapeOf(denial.key)}` +
        (denial.eventId === undefined ? ' (its next-offset key)' : ` (event ${denial.eventId})`) +
        `: a defect in the access rules, not a bad record; ${unapplied} record(s) left unapplied and unmarked, the batch fails and is retried until the rules are fixed`,
    );
    this.name = 'PermissionDefectError';
  }
}

/**
 * Batch-level idempotency. Before the handler: one round trip reads the marks of the batch's ids and
 * drops the events this consumer already applied (and repeats inside the batch). A mark holds the
 * digest of the content it was made for, so the same id with different content is told apart from a
 * duplicate: it is never applied and never silently dropped, but dead-lettered with its reason. After
 * the handler: its Redis writes and the marks of every processed event are committed in one atomic
 * script, which re-checks each mark (and its digest), so a redelivered or concurrently delivered batch
 * changes nothing twice. With `pureWork` the marks of a fresh batch are not read first (marksFirst):
 * the script alone tells duplicates and reused ids apart, as it always could.
 *
 * The same two round trips carry each Kafka partition's next expected offset (offsetGaps.ts): the
 * MGET reads it, and a batch starting past it is reported as skipped records (logged, counted in the
 * summary, the SkippedRecords metric); the script moves it on. A write the function's user may not
 * make fails the batch (batch.permissionDefect) instead of dead-lettering the record.
 */
export function batchIdempotency<TSource>(opts: BatchIdempotencyOptions): MiddlewareObj<unknown, unknown, Error, BatchContext<TSource>> {
  // Checked when the factory is called, as middy's middlewares do: a caller in JavaScript or behind a cast learns here, not mid-batch.
  const { store, consumer, pureWork = false } = opts as Partial<BatchIdempotencyOptions>;
  if (store === undefined) throw new TypeError('batchIdempotency: store is required');
  if (typeof consumer !== 'string' || consumer === '') throw new TypeError('batchIdempotency: consumer is required');
  const digests = new WeakMap<RecordBatch<TSource>, Map<string, string>>();
  const gaps = new WeakMap<RecordBatch<TSource>, OffsetGap[]>();
  /** Batches whose marks were read before the handler: a conflict the script finds then arose meanwhile. */
  const marksRead = new WeakSet<RecordBatch<TSource>>();

  const batchIdempotencyBefore = async (request: { context: BatchContext<TSource> }) => {
    const batch = request.context.batch;
    const byId = new Map<string, string>();
    digests.set(batch, byId);
    const unique: Array<AcceptedRecord<TSource>> = [];
    for (const record of [...batch.accepted]) {
      const digest = contentDigest(record.envelope);
      const seen = byId.get(record.envelope.id);
      if (seen === undefined) {
        byId.set(record.envelope.id, digest);
        unique.push(record);
      } else if (seen === digest) {
        batch.accepted = batch.accepted.filter((r) => r !== record);
        batch.duplicates++;
      } else {
        refuseReused(batch, record, consumer, 'earlier in this batch');
      }
    }
    const scope = batch.keys.idempotency(consumer, '');
    const marked = unique.map((record) => ({ eventId: record.envelope.id, digest: byId.get(record.envelope.id) ?? '' }));
    const partitions = batch.spans.map(partitionNameOf);
    const read = await store.findApplied(scope, pureWork ? [] : marked, partitions);
    const { expected } = read;
    let { marks } = read;
    if (!pureWork) marksRead.add(batch);
    else if (marksFirst(batch.spans, expected)) {
      ({ marks } = await store.findApplied(scope, marked));
      marksRead.add(batch);
    }
    const found = offsetGaps(batch.spans, expected);
    gaps.set(batch, found);
    // Counted here, so the invocation's summary (made before the `after` phase) carries it.
    batch.skipped = found.reduce((total, gap) => total + Number(gap.records), 0);
    for (const record of unique) {
      const mark = marks.get(record.envelope.id);
      if (mark === 'same') {
        batch.accepted = batch.accepted.filter((r) => r !== record);
        batch.duplicates++;
      } else if (mark === 'different') {
        refuseReused(batch, record, consumer, 'already applied');
      }
    }
  };

  const batchIdempotencyAfter = async (request: { context: BatchContext<TSource> }) => {
    const batch = request.context.batch;
    const records = batch.accepted;
    const byId = digests.get(batch);
    const result = await store.commit(
      batch.keys.idempotency(consumer, ''),
      records.map((record) => ({
        eventId: record.envelope.id,
        digest: byId?.get(record.envelope.id) ?? contentDigest(record.envelope),
        ops: batch.writes.get(record.envelope.id) ?? [],
      })),
      nextOffsetsOf(batch.spans),
    );
    batch.duplicates += result.skipped.length;
    if (result.skipped.length > 0) {
      // Found marked by the script (applied meanwhile, or never read before): duplicates, not processed.
      const skipped = new Set(result.skipped);
      batch.accepted = batch.accepted.filter((record) => !skipped.has(record.envelope.id));
    }
    if (result.denied !== undefined) batch.permissionDefect = new PermissionDefectError(consumer, result.denied, result.unapplied.length);
    else {
      // Reported once the script moved the partitions on: a batch that fails before (and comes again
      // with the same first offset) reports its gap on the attempt that gets through, not on each try.
      for (const gap of gaps.get(batch) ?? []) reportSkippedRecords(request.context.functionName, consumer, gap);
    }
    if (result.conflicts.length > 0 || result.failed.size > 0) {
      const conflicts = new Set(result.conflicts);
      for (const record of records) {
        const reason = result.failed.get(record.envelope.id);
        if (conflicts.has(record.envelope.id)) refuseReused(batch, record, consumer, marksRead.has(batch) ? 'applied meanwhile' : 'already applied');
        else if (reason !== undefined) batch.rejectAccepted(record, `redis refused a write: ${reason}`);
      }
    }
  };

  return { before: batchIdempotencyBefore, after: batchIdempotencyAfter };
}

/**
 * Whether a pure handler's batch should have its marks read before the handler runs: only when it is
 * a redelivery, i.e. a partition starts below the offset this consumer expects next. Then most of its
 * records are duplicates, dropped by one MGET instead of being projected and sent to the script again.
 *
 * Skipping the read for the rest keeps every guarantee, because the apply script, not this read,
 * decides what is applied: per record it sets the mark only if absent (SET NX GET) and runs the
 * writes only then, atomically. A record whose mark exists comes back as skipped (a duplicate in the
 * log, or a concurrent delivery of the same batch) or as a conflict (same id, other content: dead-
 * lettered with ID_REUSED_REASON, as the read would have). A pure handler running for such a record
 * only computed writes that are then dropped. Rabbit-triggered steps and handlers with side effects
 * (start-order-workflow, project-orders' saga records) are not pure: they always read first.
 */
export function marksFirst(spans: readonly PartitionSpan[], expected: ReadonlyMap<PartitionName, bigint>): boolean {
  return spans.some((span) => {
    const next = expected.get(partitionNameOf(span));
    return next !== undefined && span.first < next;
  });
}
