import type { MiddlewareObj } from '@middy/core';
import { parseEnvelope } from '../../envelope/parseEnvelope';
import { decodeKafkaRecordText } from '../../triggers/kafka/decodeKafkaRecord';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../triggers/kafka/KafkaTriggerEvent';
import { hopHeaderMismatch, kafkaHopHeader } from './hopHeaderMismatch';
import { RecordBatch, type BatchContext } from './RecordBatch';

/**
 * Decodes an `aws:kafka` event into a RecordBatch: each record's bytes, then its envelope (checked and
 * upcast). A record that fails is rejected with the reason instead of failing the invocation: one bad
 * record must not block its partition forever, as a thrown error would (Lambda retries the whole batch).
 */
export function kafkaRecordBatch(): MiddlewareObj<KafkaTriggerEvent, unknown, Error, BatchContext<KafkaTriggerRecord>> {
  const kafkaRecordBatchBefore = (request: { event: KafkaTriggerEvent; context: BatchContext<KafkaTriggerRecord> }) => {
    const batch = new RecordBatch<KafkaTriggerRecord>();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event AWS did not send may lack records; it is then an empty batch
    for (const [key, records] of Object.entries(request.event.records ?? {})) {
      if (!Array.isArray(records)) {
        // Not a shape AWS sends; refused as one bad record rather than failing (and retrying) the whole batch.
        batch.received++;
        batch.reject({ topic: key, partition: -1, offset: -1, timestamp: 0, timestampType: 'CREATE_TIME', key: null, value: null, headers: [] }, `records of ${key} is not a list`, 'decode');
        continue;
      }
      for (const raw of records) {
        batch.received++;
        try {
          const value = decodeKafkaRecordText(raw);
          if (value === null) throw new Error('tombstone: a null value carries no event');
          const envelope = parseEnvelope(value);
          const mismatch = hopHeaderMismatch(kafkaHopHeader(raw.headers), envelope.hops);
          if (mismatch !== undefined) throw new Error(mismatch);
          batch.accepted.push({ envelope, source: raw });
        } catch (error) {
          batch.reject(raw, (error as Error).message, 'decode');
        }
      }
    }
    request.context.batch = batch;
  };
  return { before: kafkaRecordBatchBefore };
}
