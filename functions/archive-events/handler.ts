import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { archiveObjectName } from '../../shared/archive/archiveObjectName';
import { configuredArchive } from '../../shared/archive/configuredArchive';
import { invocationLog } from '../../shared/middleware/invocationLog';
import type { KafkaTriggerEvent } from '../../shared/triggers/kafka/KafkaTriggerEvent';

export interface ArchiveSummary {
  objects: number;
  records: number;
}

/**
 * The audit sink: every record of every topic, exactly as MSK delivered it (base64 key and value,
 * headers as bytes, topic, partition, offset, timestamp), one JSON line each, one object per
 * partition and batch. Nothing is decoded, so nothing can be refused: a record that breaks every
 * other consumer is still archived. Idempotency comes from the object names (a retried batch rewrites
 * the same object), and the hop guard has nothing to guard: this function publishes nothing.
 */
export const handler = middy<KafkaTriggerEvent, ArchiveSummary>()
  .use(invocationLog<KafkaTriggerEvent, ArchiveSummary, Context>({ summarize: (request) => ({ received: request.response?.records ?? 0, objects: request.response?.objects ?? 0 }) }))
  .handler(async (event) => {
    const store = configuredArchive();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event not sent by AWS (npm run invoke) may lack records; the sink must not crash on it
    const batches = Object.values(event.records ?? {}).filter((records) => records.length > 0);
    await Promise.all(
      batches.map((records) => {
        const first = records[0];
        const last = records[records.length - 1];
        if (first === undefined || last === undefined) return Promise.resolve();
        const body = records.map((record) => JSON.stringify(record)).join('\n') + '\n';
        return store.put(archiveObjectName(first.topic, first.partition, first.offset, last.offset), body);
      }),
    );
    return { objects: batches.length, records: batches.reduce((n, records) => n + records.length, 0) };
  });
