import middy from '@middy/core';
import { kafkaRecordBatch } from '../../../../../shared/middleware/batch/kafkaRecordBatch';
import type { BatchContext } from '../../../../../shared/middleware/batch/RecordBatch';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { toKafkaDeadLetter } from '../../../../../shared/deadLetters/toKafkaDeadLetter';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';

describe('kafkaRecordBatch', () => {
  it('should refuse a partition entry that is not a list as one bad record, not fail the batch', async () => {
    let seen: BatchContext<KafkaTriggerRecord>['batch'] | undefined;
    const handler = middy<KafkaTriggerEvent, undefined, Error, BatchContext<KafkaTriggerRecord>>()
      .use(kafkaRecordBatch())
      .handler((_event, context) => {
        seen = context.batch;
        return Promise.resolve(undefined);
      });
    const event = { eventSource: 'aws:kafka', records: { 'sessions-0': null } } as unknown as KafkaTriggerEvent;
    await handler(event, lambdaContextOf('t'));
    expect(seen?.rejected).toHaveLength(1);
    expect(seen?.rejected[0]?.reason).toBe('records of sessions-0 is not a list');
    const rejected = seen?.rejected[0];
    if (rejected) expect(() => toKafkaDeadLetter(rejected, 't')).not.toThrow();
  });
});
