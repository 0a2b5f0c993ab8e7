import { Kafka, logLevel } from 'kafkajs';

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
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const kafka = new Kafka({ clientId: 'triplane-test-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `triplane-test-${topic}-${process.pid}-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 100 });
  const kept: ReadRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = String(Array.isArray(value) ? value[0] : value);
          const record = { key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers, partition, offset: message.offset };
          if (keep(record)) kept.push(record);
          if (done(kept)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return kept;
}
