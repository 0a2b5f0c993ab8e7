import { inspect } from 'node:util';
import { localKafkaClient } from '../shared/kafka/kafkaClient';
import { localConfig } from '../emulator/config/localConfig';

export interface ReadRecord {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/**
 * Reads a topic from the start with a fresh consumer group until `done` says enough records matching
 * `keep` arrived (or the timeout passes), then returns them. Tests use it to find what a handler wrote
 * to Kafka, e.g. its dead letters.
 */
export async function readTopic(topic: string, keep: (record: ReadRecord) => boolean, done: (kept: ReadRecord[]) => boolean, timeoutMs = 15_000): Promise<ReadRecord[]> {
  const brokers = localConfig().KAFKA_BROKERS ?? [];
  const consumer = await localKafkaClient(brokers, 'triplane-test-reader').consumer({
    groupId: `triplane-test-${topic}-${process.pid}-${Date.now()}-${Math.random()}`,
    topic,
    startAt: 'earliest',
    maxWaitMs: 100,
    minBytes: 1,
    maxBytesPerPartition: 1024 * 1024,
    sessionTimeoutMs: 10_000,
  });
  const kept: ReadRecord[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer.done.catch((error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(`the reading consumer stopped: ${inspect(error)}`));
      });
      consumer.run((batch) => {
        for (const record of batch.records) {
          // A repeated header name keeps its first value.
          const headers: Record<string, string> = {};
          for (const [name, value] of record.headers) if (!Object.hasOwn(headers, name)) headers[name] = value.toString();
          const read = { key: record.key?.toString() ?? null, value: record.value?.toString() ?? null, headers, partition: batch.partition, offset: record.offset.toString() };
          if (keep(read)) kept.push(read);
          if (done(kept)) {
            clearTimeout(timer);
            resolve();
            return Promise.resolve();
          }
        }
        return Promise.resolve();
      });
    });
  } finally {
    await consumer.stop();
  }
  return kept;
}
