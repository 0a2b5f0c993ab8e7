import type { MiddlewareObj } from '@middy/core';
import type { BatchContext, RejectedRecord } from './RecordBatch';

export type DeadLetterPublisher<TSource> = (rejected: ReadonlyArray<RejectedRecord<TSource>>) => Promise<void>;

/**
 * Sends every rejected record of the batch to the dead-letter destination, with its reason, before
 * the invocation succeeds: the source commits its offsets (or acks) only after this returns, so a
 * rejected record is never lost between the two.
 */
export function deadLetters<TSource>(opts: { publish: DeadLetterPublisher<TSource> }): MiddlewareObj<unknown, unknown, Error, BatchContext<TSource>> {
  if (typeof opts.publish !== 'function') throw new TypeError('deadLetters: publish is required');
  const deadLettersAfter = async (request: { context: BatchContext<TSource> }) => {
    const rejected = request.context.batch.rejected;
    if (rejected.length > 0) await opts.publish(rejected);
  };
  return { after: deadLettersAfter };
}
