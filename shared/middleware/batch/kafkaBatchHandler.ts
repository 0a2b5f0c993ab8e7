import { kafkaDeadLetterPublisher } from '../../deadLetters/kafkaDeadLetterPublisher';
import type { RedisKeys } from '../../state/redisKeys';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../triggers/kafka/KafkaTriggerEvent';
import { batchHandler, type BatchWork } from './batchHandler';
import { kafkaRecordBatch } from './kafkaRecordBatch';
import { partitionSpans } from './partitionSpans';

export interface KafkaBatchOptions {
  /** The Redis keys a batch works on, resolved once per batch (a projection's current generation). */
  keyspace?: () => Promise<RedisKeys>;
  /** The work only collects Redis writes from each record's content (batchIdempotency's `pureWork`). */
  pureWork?: boolean;
  /**
   * The mapping filters records before they invoke the function (function.ts `eventTypes`, rendered as
   * FilterCriteria): the offsets of the records it dropped never reach the function, so a batch past the
   * expected offset says nothing about loss, and the offset check (offsetGaps.ts) is not made.
   */
  filtered?: boolean;
}

/**
 * The handler of an MSK-triggered function; bad records go to the dead-letters topic, and a batch that
 * starts past the offset its partition was expected to go on from reports the records skipped (unless
 * its mapping filters: see `filtered`).
 *
 * @example
 * export const handler = kafkaBatchHandler('start-order-workflow', async (batch) => { ... }, { filtered: true });
 */
export function kafkaBatchHandler(consumer: string, work: BatchWork<KafkaTriggerRecord>, options: KafkaBatchOptions = {}) {
  return batchHandler<KafkaTriggerEvent, KafkaTriggerRecord>({
    consumer,
    decode: kafkaRecordBatch(),
    deadLetterPublisher: kafkaDeadLetterPublisher(consumer),
    work,
    keyspace: options.keyspace,
    spans: options.filtered === true ? undefined : partitionSpans,
    pureWork: options.pureWork ?? false,
  });
}
