import type { MiddlewareObj } from '@middy/core';
import type { BatchContext } from '../batch/RecordBatch';
import type { IdempotencyStore } from './IdempotencyStore';

export interface BatchIdempotencyOptions {
  store: IdempotencyStore;
  /** Marks are per consumer: the same event must be applied once by each function that reads it. */
  consumer: string;
}

/**
 * Batch-level idempotency. Before the handler: one round trip drops the events this consumer already
 * applied (and repeats inside the batch). After it: the handler's Redis writes and the marks of every
 * processed event are committed in one atomic script, which re-checks each mark, so a redelivered or
 * concurrently delivered batch changes nothing twice.
 */
export function batchIdempotency<TSource>(opts: BatchIdempotencyOptions): MiddlewareObj<unknown, unknown, Error, BatchContext<TSource>> {
  if (opts.store === undefined) throw new TypeError('batchIdempotency: store is required');
  if (typeof opts.consumer !== 'string' || opts.consumer === '') throw new TypeError('batchIdempotency: consumer is required');
  const { store, consumer } = opts;

  const batchIdempotencyBefore = async (request: { context: BatchContext<TSource> }) => {
    const batch = request.context.batch;
    const before = batch.accepted.length;
    const seen = new Set<string>();
    const unique = batch.accepted.filter((record) => {
      if (seen.has(record.envelope.id)) return false;
      seen.add(record.envelope.id);
      return true;
    });
    const applied = await store.findApplied(batch.keys.idempotency(consumer, ''), [...seen]);
    batch.accepted = unique.filter((record) => !applied.has(record.envelope.id));
    batch.duplicates += before - batch.accepted.length;
  };

  const batchIdempotencyAfter = async (request: { context: BatchContext<TSource> }) => {
    const batch = request.context.batch;
    const records = batch.accepted;
    const result = await store.commit(
      batch.keys.idempotency(consumer, ''),
      records.map((record) => ({ eventId: record.envelope.id, ops: batch.writes.get(record.envelope.id) ?? [] })),
    );
    batch.duplicates += result.skipped.length;
    if (result.failed.size > 0) {
      for (const record of records) {
        const reason = result.failed.get(record.envelope.id);
        if (reason !== undefined) batch.rejectAccepted(record, `redis refused a write: ${reason}`);
      }
    }
  };

  return { before: batchIdempotencyBefore, after: batchIdempotencyAfter };
}
