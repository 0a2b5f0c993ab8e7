import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { chunkRecords, toKafkaTriggerEvent, toKafkaTriggerRecord } from './kafkaTriggerEvent';
import type { Invoke } from './loadedFunction';
import type { MskEvent } from './serverlessFunctions';

export interface MappingOptions {
  functionName: string;
  event: MskEvent;
  groupId: string;
  brokers: string[];
  eventSourceArn: string;
  invoke: Invoke;
  partitions: number;
  onInvocation?: (outcome: { functionName: string; records: number; ok: boolean; error?: unknown }) => void;
  onCrash?: (crash: { functionName: string; error: Error; restarting: boolean }) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lambda retries a failed Kafka batch until it succeeds; the wait between tries grows to this cap. */
const MAX_RETRY_WAIT_MS = 10_000;

/**
 * An MSK event source mapping with Lambda's semantics: its own consumer group; records in order per
 * partition; batches of at most batchSize (and 6 MB) gathered for at most the batching window; offsets
 * committed only after the invocation succeeded; a failed batch retried whole until it succeeds; one
 * batch in flight per partition (kafkajs runs one eachBatch per partition at a time).
 *
 * The batching window maps to the fetch's maxWaitTime with a large minBytes, so the broker holds the
 * fetch until the window ends or enough data arrived, which is what Lambda's poller does.
 */
export async function startMskEventSourceMapping(options: MappingOptions): Promise<Consumer> {
  const { event, invoke, functionName } = options;
  // A request stuck on a broker that went away is given up after 5 s rather than kafkajs' default 30 s:
  // fetches wait at most the batching window, so 5 s only ever cuts a dead connection.
  const kafka = new Kafka({ clientId: `triplane-local-${functionName}`, brokers: options.brokers, logLevel: logLevel.NOTHING, requestTimeout: 5_000 });
  const windowMs = event.maximumBatchingWindow * 1000;
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: windowMs > 0 ? windowMs : 100,
    minBytes: windowMs > 0 ? 1024 * 1024 : 1,
    maxBytesPerPartition: 6 * 1024 * 1024,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
  consumer.on(consumer.events.CRASH, (event) => {
    // kafkajs restarts the consumer itself after retriable failures (payload.restart); say so, since a
    // mapping that stopped would otherwise only show as lag that never goes down.
    options.onCrash?.({ functionName, error: event.payload.error, restarting: event.payload.restart });
  });
  await consumer.connect();
  await consumer.subscribe({ topic: event.topic, fromBeginning: event.startingPosition !== 'LATEST' });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitions,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      const records = batch.messages.map((message) => toKafkaTriggerRecord(batch.topic, batch.partition, message));
      for (const chunk of chunkRecords(records, event.batchSize)) {
        const payload = toKafkaTriggerEvent(options.eventSourceArn, options.brokers.join(','), chunk);
        for (let attempt = 1; ; attempt++) {
          if (!isRunning() || isStale()) return;
          try {
            await invoke(payload);
            options.onInvocation?.({ functionName, records: chunk.length, ok: true });
            break;
          } catch (error) {
            options.onInvocation?.({ functionName, records: chunk.length, ok: false, error });
            await sleep(Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** Math.min(attempt, 6)));
            await heartbeat().catch(() => undefined);
          }
        }
        const last = chunk[chunk.length - 1];
        if (last === undefined) continue;
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(last.offset + 1) }]);
        resolveOffset(String(last.offset));
        await heartbeat();
      }
    },
  });
  return consumer;
}
