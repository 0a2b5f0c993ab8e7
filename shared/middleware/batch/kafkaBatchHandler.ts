import middy from '@middy/core';
import { redisClient } from '../../clients/redisClient';
import { kafkaDeadLetterPublisher } from '../../deadLetters/kafkaDeadLetterPublisher';
import { redisKeys, redisNamespace } from '../../state/redisKeys';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../triggers/kafka/KafkaTriggerEvent';
import { batchIdempotency } from '../idempotency/batchIdempotency';
import { RedisIdempotencyStore } from '../idempotency/RedisIdempotencyStore';
import { invocationLog } from '../invocationLog';
import { deadLetters } from './deadLetters';
import { hopGuard, hopLimitFromEnv } from './hopGuard';
import { kafkaRecordBatch } from './kafkaRecordBatch';
import type { BatchContext, RecordBatch } from './RecordBatch';

export interface BatchSummary {
  received: number;
  processed: number;
  duplicates: number;
  deadLettered: number;
  hopRefused: number;
}

export type KafkaBatchWork = (batch: RecordBatch<KafkaTriggerRecord>, context: BatchContext<KafkaTriggerRecord>) => Promise<void> | void;

const IDEMPOTENCY_TTL_SECONDS = Number(process.env.TRIPLANE_IDEMPOTENCY_TTL_SECONDS ?? 8 * 24 * 3600);

export const summarizeBatch = <T>(batch: RecordBatch<T> | undefined): BatchSummary => ({
  received: batch?.received ?? 0,
  processed: batch?.accepted.length ?? 0,
  duplicates: batch?.duplicates ?? 0,
  deadLettered: batch?.rejected.length ?? 0,
  hopRefused: batch?.rejected.filter((r) => r.stage === 'hop-limit').length ?? 0,
});

/**
 * The handler of an MSK-triggered function: decoding with per-record isolation, the hop guard,
 * dead letters and batch idempotency around `work`. `consumer` names the function in the routing
 * manifest; idempotency marks and dead letters are attributed to it.
 *
 * @example
 * export const handler = kafkaBatchHandler('project-flags', (batch) => { ... });
 */
export function kafkaBatchHandler(consumer: string, work: KafkaBatchWork) {
  const store = new RedisIdempotencyStore({ redis: redisClient(), keys: redisKeys(redisNamespace()), ttlSeconds: IDEMPOTENCY_TTL_SECONDS });
  return middy<KafkaTriggerEvent, BatchSummary, Error, BatchContext<KafkaTriggerRecord>>()
    .use(invocationLog<KafkaTriggerEvent, BatchSummary, BatchContext<KafkaTriggerRecord>>({ summarize: (request) => ({ ...summarizeBatch(request.context.batch) }) }))
    .use(kafkaRecordBatch())
    .use(hopGuard({ limit: hopLimitFromEnv() }))
    .use(deadLetters({ publish: kafkaDeadLetterPublisher(consumer) }))
    .use(batchIdempotency({ store, consumer }))
    .handler(async (_event, context) => {
      await work(context.batch, context);
      // The summary is computed again by the log after the commit; this return is what `invoke` prints.
      return summarizeBatch(context.batch);
    });
}
