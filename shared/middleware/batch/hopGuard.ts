import type { MiddlewareObj } from '@middy/core';
import type { BatchContext } from './RecordBatch';

export interface HopGuardOptions {
  /** The highest hop count still accepted (TRIPLANE_HOP_LIMIT, whose default lives in shared/config/functionConfig). */
  limit: number;
}

/**
 * Refuses records whose hop count passed the limit: the usual cause is a route that bounces an event
 * between RabbitMQ and Kafka forever. Refused records are dead-lettered with the reason (never
 * republished), so the loop stops at the first guard it meets.
 */
export function hopGuard<TSource>({ limit }: HopGuardOptions): MiddlewareObj<unknown, unknown, Error, BatchContext<TSource>> {
  if (!Number.isInteger(limit) || limit < 0) throw new TypeError(`hopGuard: limit must be a whole number >= 0, got ${limit}`);
  const hopGuardBefore = (request: { context: BatchContext<TSource> }) => {
    const batch = request.context.batch;
    batch.accepted = batch.accepted.filter((record) => {
      if (record.envelope.hops <= limit) return true;
      batch.reject(record.source, `hop limit exceeded: ${record.envelope.type} ${record.envelope.id} has ${record.envelope.hops} hops, limit ${limit}`, 'hop-limit');
      return false;
    });
  };
  return { before: hopGuardBefore };
}
