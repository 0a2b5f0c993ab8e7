import { kafkaDeadLetterPublisher } from '../../deadLetters/kafkaDeadLetterPublisher';
import type { RedisKeys } from '../../state/redisKeys';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../triggers/kafka/KafkaTriggerEvent';
import { batchHandler, type BatchWork } from './batchHandler';
import { kafkaRecordBatch } from './kafkaRecordBatch';
import { partitionSpans } from './partitionSpans';

/**
 * The handler of an MSK-triggered function; bad records go to the dead-letters topic, and a batch that
 * starts past the offset its partition was expected to go on from reports the records skipped.
 *
 * @example
 * export const handler = kafkaBatchHandler('start-order-workflow', async (batch) => { ... });
 */
export function kafkaBatchHandler(consumer: string, work: BatchWork<KafkaTriggerRecord>, keyspace?: () => Promise<RedisKeys>, pureWork = false) {
  return batchHandler<KafkaTriggerEvent, KafkaTriggerRecord>({
    consumer,
    decode: kafkaRecordBatch(),
    deadLetterPublisher: kafkaDeadLetterPublisher(consumer),
    work,
    keyspace,
    spans: partitionSpans,
    pureWork,
  });
}
