import { functionConfig } from '../../config/functionConfig';
import middy, { type MiddlewareObj } from '@middy/core';
import { redisClient } from '../../clients/redisClient';
import type { RedisKeys } from '../../state/redisKeys';
import { batchIdempotency } from '../idempotency/batchIdempotency';
import { RedisIdempotencyStore } from '../idempotency/RedisIdempotencyStore';
import { runWithDeadline } from '../../resilience/invocationDeadline';
import { invocationLog } from '../invocationLog';
import { redisLogin } from '../redisLogin';
import { deadLetters, type DeadLetterPublisher } from './deadLetters';
import { failOnPermissionDefect } from './failOnPermissionDefect';
import type { PartitionSpan } from './partitionSpans';
import { hopGuard } from './hopGuard';
import type { BatchContext, RecordBatch } from './RecordBatch';

/** The guards every event-source-triggered handler carries; the doctor reads them off the handler. */
export const BATCH_GUARDS = ['record-isolation', 'hop-guard', 'dead-letters', 'idempotency'] as const;
/**
 * The tag of a handler that checks each Kafka partition's offsets for skipped records (offsetGaps.ts):
 * every unfiltered MSK handler must, and one behind a filtering mapping must not (the doctor holds both).
 */
export const OFFSET_CHECK_GUARD = 'offset-check';

export interface BatchSummary {
  received: number;
  processed: number;
  duplicates: number;
  deferred: number;
  deadLettered: number;
  hopRefused: number;
  /** Records refused because their id was already used for other content. */
  idReused: number;
  /** Records the event source mapping went past before this batch: lost to this consumer (offsetGaps.ts). */
  skipped: number;
}

export type BatchWork<TSource> = (batch: RecordBatch<TSource>, context: BatchContext<TSource>) => Promise<void> | void;

export const summarizeBatch = <T>(batch: RecordBatch<T> | undefined): BatchSummary => ({
  received: batch?.received ?? 0,
  processed: batch?.accepted.length ?? 0,
  duplicates: batch?.duplicates ?? 0,
  deferred: batch?.deferred ?? 0,
  deadLettered: batch?.rejected.length ?? 0,
  hopRefused: batch?.rejected.filter((r) => r.stage === 'hop-limit').length ?? 0,
  idReused: batch?.rejected.filter((r) => r.stage === 'id-reused').length ?? 0,
  skipped: batch?.skipped ?? 0,
});

export interface BatchHandlerOptions<TEvent, TSource> {
  /** The function's name (its function.ts); idempotency marks and dead letters are attributed to it. */
  consumer: string;
  /** Decodes the trigger's event into the batch (per-record isolation happens here). */
  decode: MiddlewareObj<TEvent, unknown, Error, BatchContext<TSource>>;
  deadLetterPublisher: DeadLetterPublisher<TSource>;
  work: BatchWork<TSource>;
  /** The keys this invocation reads and writes (a projection's current generation); the namespace's by default. */
  keyspace?: () => Promise<RedisKeys>;
  /** The topic partitions and offsets the event covers, for the skipped-records check (Kafka triggers). */
  spans?: (event: TEvent) => PartitionSpan[];
  /** `work` only collects Redis writes from each record's content (batchIdempotency's `pureWork`). */
  pureWork?: boolean;
}

/**
 * The handler of an event-source-triggered function, whatever the source: decoding with per-record
 * isolation, the hop guard, dead letters and batch idempotency around `work`, plus one log line.
 * Every such function in triplane is built here, so none can miss a guard.
 */
export function batchHandler<TEvent, TSource>(options: BatchHandlerOptions<TEvent, TSource>) {
  const store = new RedisIdempotencyStore({ redis: redisClient, ttlSeconds: functionConfig().TRIPLANE_IDEMPOTENCY_TTL_SECONDS });
  const { keyspace, spans } = options;
  const resolveKeyspace: MiddlewareObj<TEvent, BatchSummary, Error, BatchContext<TSource>> = {
    before: async (request) => {
      if (keyspace !== undefined) request.context.batch.keys = await keyspace();
      if (spans !== undefined) request.context.batch.spans = spans(request.event);
    },
  };
  const handler = middy<TEvent, BatchSummary, Error, BatchContext<TSource>>()
    .use(invocationLog<TEvent, BatchSummary, BatchContext<TSource>>({ summarize: (request) => ({ ...summarizeBatch(request.context.batch) }) }))
    .use(redisLogin<TEvent, BatchSummary, BatchContext<TSource>>())
    // The answer is summed up again once every guard's `after` ran: the apply script can still find duplicates.
    .use({ after: (request: { response: BatchSummary | undefined; context: BatchContext<TSource> }) => void (request.response = summarizeBatch(request.context.batch)) })
    .use(options.decode)
    .use(resolveKeyspace)
    .use(hopGuard<TSource>({ limit: functionConfig().TRIPLANE_HOP_LIMIT }))
    // Before deadLetters, so its `after` runs after theirs: the batch's bad records are out before it fails.
    .use(failOnPermissionDefect<TSource>())
    .use(deadLetters<TSource>({ publish: options.deadLetterPublisher }))
    .use(batchIdempotency<TSource>({ store, consumer: options.consumer, pureWork: options.pureWork }))
    .handler(async (_event, context) => {
      await options.work(context.batch, context);
      return summarizeBatch(context.batch);
    });
  // Clients size their timeouts from the time this invocation has left (shared/resilience).
  const withDeadline = (event: TEvent, context: BatchContext<TSource>) => runWithDeadline(context.getRemainingTimeInMillis(), () => handler(event, context));
  return Object.assign(withDeadline, { triplaneGuards: spans === undefined ? BATCH_GUARDS : [...BATCH_GUARDS, OFFSET_CHECK_GUARD] });
}
