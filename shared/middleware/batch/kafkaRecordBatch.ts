import type { MiddlewareObj } from '@middy/core';
import { parseEnvelope } from '../../envelope/parseEnvelope';
import { decodeKafkaRecord } from '../../triggers/kafka/decodeKafkaRecord';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../triggers/kafka/KafkaTriggerEvent';
import { RecordBatch, type BatchContext } from './RecordBatch';

/**
 * Decodes an `aws:kafka` event into a RecordBatch: each record's bytes, then its envelope (checked and
 * upcast). A record that fails is rejected with the reason instead of failing the invocation: one bad
 * record must not block its partition forever, as a thrown error would (Lambda retries the whole batch).
 */
export function kafkaRecordBatch(): MiddlewareObj<KafkaTriggerEvent, unknown, Error, BatchContext<KafkaTriggerRecord>> {
  const kafkaRecordBatchBefore = (request: { event: KafkaTriggerEvent; context: BatchContext<KafkaTriggerRecord> }) => {
    const batch = new RecordBatch<KafkaTriggerRecord>();
    for (const records of Object.values(request.event.records ?? {})) {
      for (const raw of records) {
        batch.received++;
        try {
          const record = decodeKafkaRecord(raw);
          if (record.value === null) throw new Error('tombstone: a null value carries no event');
          batch.accepted.push({ envelope: parseEnvelope(record.value.toString('utf8')), source: raw });
        } catch (error) {
          batch.reject(raw, (error as Error).message, 'decode');
        }
      }
    }
    request.context.batch = batch;
  };
  return { before: kafkaRecordBatchBefore };
}
