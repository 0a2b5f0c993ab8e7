import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { recordsSkipped } from './skippedRecords';
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
  /** `restarting` says who restarts: kafkajs itself, or this mapping with a new consumer after `restartInMs`. */
  onCrash?: (crash: { functionName: string; error: Error; restarting: boolean; restartInMs?: number }) => void;
  /** Kafka no longer held the records from `expected` to `fetched` when this mapping asked for them. */
  onSkipped?: (gap: { functionName: string; topic: string; partition: number; expected: bigint; fetched: bigint }) => void;
}

/** What the runtime holds of a running mapping: it only ever stops it. */
export interface MskMapping {
  disconnect(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lambda retries a failed Kafka batch until it succeeds; the wait between tries grows to this cap. */
const MAX_RETRY_WAIT_MS = 10_000;
/** First wait before a crashed consumer is replaced; doubles per crash in a row, up to MAX_RETRY_WAIT_MS. */
const FIRST_RESTART_WAIT_MS = 500;
/**
 * A member that stops heartbeating leaves its group after this long. Short, so a runtime restarted
 * after kill -9 (whose dead members the coordinator waits for before it can rebalance) consumes again
 * within seconds; the mapping heartbeats after every invocation and between retries, so only a single
 * invocation longer than this makes the group rebalance, which costs a redelivery, not a loss.
 */
const SESSION_TIMEOUT_MS = 10_000;
/**
 * A consumer that has neither fetched nor run an invocation for this long is wedged, and is replaced.
 * First seen on librdkafka's mock (an unanswered JoinGroup blocking the connection); still needed on
 * real Apache Kafka 4.1: the fault suite's mixed scenario (test/faults/scenarios.ts, broker SIGKILL,
 * leader moves and toxics at once) left the archive sink's kafkajs consumer idle 318 records short of
 * the log end after "coordinator is loading" crashes that kafkajs said it would restart from, until
 * the runtime was restarted. A live consumer fetches even on a quiet topic (each fetch waits at most
 * the batching window), so only a stuck one goes this long without one. Longer than a session timeout
 * plus a rebalance, so a consumer legitimately waiting for a dead member to leave is not cut short.
 */
const STALL_MS = 2.5 * SESSION_TIMEOUT_MS;
const WATCHDOG_EVERY_MS = 1_000;
/** A wedged consumer's disconnect can hang on the same connection; it is abandoned after this. */
const DISCONNECT_WAIT_MS = 5_000;

/**
 * An MSK event source mapping with Lambda's semantics: its own consumer group; records in order per
 * partition; batches of at most batchSize (and 6 MB) gathered for at most the batching window; offsets
 * committed only after the invocation succeeded; a failed batch retried whole until it succeeds; one
 * batch in flight per partition (kafkajs runs one eachBatch per partition at a time).
 *
 * The batching window maps to the fetch's maxWaitTime with a large minBytes, so the broker holds the
 * fetch until the window ends or enough data arrived, which is what Lambda's poller does.
 */
export async function startMskEventSourceMapping(options: MappingOptions): Promise<MskMapping> {
  // Lambda's poller never gives a mapping up. kafkajs does: an error it does not class as retriable
  // (ILLEGAL_GENERATION from a commit racing a rebalance after partition leaders moved, seen in the
  // fault suite) stops the consumer for good, and the mapping would only show as lag that never goes
  // down. So a consumer that crashed without restarting is replaced by a new one in the same group,
  // which resumes from the committed offsets: at worst a batch is delivered again, which the
  // handlers' idempotency absorbs.
  let stopped = false;
  let current: Consumer | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let crashesInARow = 0;
  const activity = { lastAt: performance.now(), invocationsInFlight: 0 };
  const expected = await ExpectedOffsets.load(options.brokers, options.groupId, options.event.topic, `triplane-local-${options.functionName}-offsets`);
  const replace = (crashed: Consumer, error: Error) => {
    if (stopped || crashed !== current) return;
    current = undefined;
    const waitMs = Math.min(MAX_RETRY_WAIT_MS, FIRST_RESTART_WAIT_MS * 2 ** crashesInARow++);
    options.onCrash?.({ functionName: options.functionName, error, restarting: false, restartInMs: waitMs });
    restartTimer = setTimeout(() => {
      void disconnectWithin(crashed, DISCONNECT_WAIT_MS)
        .then(() => (stopped ? undefined : launch()))
        .catch((launchError: unknown) => {
          if (current !== undefined) replace(current, launchError as Error);
        });
    }, waitMs);
  };
  const launch = async (): Promise<void> => {
    const consumer = createConsumer(options, {
      onCrash: (error, kafkajsRestarts) => {
        if (kafkajsRestarts) options.onCrash?.({ functionName: options.functionName, error, restarting: true });
        else replace(consumer, error);
      },
      onBatchDone: () => {
        crashesInARow = 0;
      },
      onActivity: () => {
        activity.lastAt = performance.now();
      },
    });
    current = consumer;
    activity.lastAt = performance.now();
    await runConsumer(consumer, options, activity, expected);
    activity.lastAt = performance.now();
  };
  await launch();
  const watchdog = setInterval(() => {
    if (current === undefined || activity.invocationsInFlight > 0) return;
    const quietMs = performance.now() - activity.lastAt;
    if (quietMs > STALL_MS) replace(current, new Error(`no fetch and no invocation for ${Math.round(quietMs / 1000)} s: the consumer is wedged`));
  }, WATCHDOG_EVERY_MS);
  watchdog.unref();
  return {
    async disconnect() {
      stopped = true;
      clearInterval(watchdog);
      clearTimeout(restartTimer);
      if (current !== undefined) await disconnectWithin(current, DISCONNECT_WAIT_MS);
    },
  };
}

async function disconnectWithin(consumer: Consumer, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([consumer.disconnect().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

interface ConsumerHooks {
  onCrash(error: Error, kafkajsRestarts: boolean): void;
  onBatchDone(): void;
  /** A fetch started or ended: the consumer is alive even when the topic is quiet. */
  onActivity(): void;
}

function createConsumer(options: MappingOptions, hooks: ConsumerHooks): Consumer {
  const { event, functionName } = options;
  // A request stuck on a broker that went away is given up after 5 s rather than kafkajs' default 30 s:
  // fetches wait at most the batching window, so 5 s only ever cuts a dead connection.
  const kafka = new Kafka({ clientId: `triplane-local-${functionName}`, brokers: options.brokers, logLevel: process.env.DBG_KAFKAJS ? logLevel.DEBUG : logLevel.NOTHING, requestTimeout: 5_000 });
  const windowMs = event.maximumBatchingWindow * 1000;
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxWaitTimeInMs: windowMs > 0 ? windowMs : 100,
    minBytes: windowMs > 0 ? 1024 * 1024 : 1,
    maxBytesPerPartition: 6 * 1024 * 1024,
    sessionTimeout: SESSION_TIMEOUT_MS,
    heartbeatInterval: 1_000,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
  consumer.on(consumer.events.CRASH, (crash) => hooks.onCrash(crash.payload.error, crash.payload.restart));
  consumer.on(consumer.events.END_BATCH_PROCESS, () => hooks.onBatchDone());
  consumer.on(consumer.events.FETCH_START, () => hooks.onActivity());
  consumer.on(consumer.events.FETCH, () => hooks.onActivity());
  return consumer;
}

/**
 * The offset each partition's next batch must start at: the group's committed offset when the mapping
 * started, then the offset after the last batch it committed. With the idempotent, non-transactional
 * producer every topic is written with, offsets are contiguous, so a first fetched offset beyond it
 * means Kafka no longer held the records in between (retention, deleted records) and kafkajs jumped to
 * the log start without a word. The committed offsets are read before the consumer first fetches:
 * kafkajs commits the offset it reset to, after which the group's offsets no longer show the gap.
 * Locally one member per group commits, so the mapping's own commits stay the truth across rebalances
 * and consumer replacements.
 */
class ExpectedOffsets {
  private readonly next = new Map<number, bigint>();

  static async load(brokers: string[], groupId: string, topic: string, clientId: string): Promise<ExpectedOffsets> {
    const expected = new ExpectedOffsets();
    const admin: Admin = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, requestTimeout: 5_000 }).admin();
    try {
      await admin.connect();
      const [answer] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const p of answer?.partitions ?? []) if (Number(p.offset) >= 0) expected.next.set(p.partition, BigInt(p.offset));
    } catch {
      // Unknown is not a gap: a failed lookup reports nothing for this start rather than a false skip.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    return expected;
  }

  of(partition: number): bigint | undefined {
    return this.next.get(partition);
  }

  consumedUpTo(partition: number, nextOffset: bigint): void {
    this.next.set(partition, nextOffset);
  }
}

async function runConsumer(consumer: Consumer, options: MappingOptions, activity: { lastAt: number; invocationsInFlight: number }, expected: ExpectedOffsets): Promise<void> {
  const { event, invoke, functionName } = options;
  await consumer.connect();
  await consumer.subscribe({ topic: event.topic, fromBeginning: event.startingPosition !== 'LATEST' });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitions,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      const first = batch.messages[0];
      if (first !== undefined) {
        const expectedNext = expected.of(batch.partition);
        if (recordsSkipped(expectedNext, BigInt(first.offset)) > 0n && expectedNext !== undefined) {
          options.onSkipped?.({ functionName, topic: batch.topic, partition: batch.partition, expected: expectedNext, fetched: BigInt(first.offset) });
        }
      }
      const records = batch.messages.map((message) => toKafkaTriggerRecord(batch.topic, batch.partition, message));
      for (const chunk of chunkRecords(records, event.batchSize)) {
        const payload = toKafkaTriggerEvent(options.eventSourceArn, options.brokers.join(','), chunk);
        for (let attempt = 1; ; attempt++) {
          if (!isRunning() || isStale()) return;
          activity.invocationsInFlight++;
          try {
            await invoke(payload);
            options.onInvocation?.({ functionName, records: chunk.length, ok: true });
            break;
          } catch (error) {
            options.onInvocation?.({ functionName, records: chunk.length, ok: false, error });
            await sleep(Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** Math.min(attempt, 6)));
            await heartbeat().catch(() => undefined);
          } finally {
            activity.invocationsInFlight--;
            activity.lastAt = performance.now();
          }
        }
        const last = chunk[chunk.length - 1];
        if (last === undefined) continue;
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(last.offset + 1) }]);
        expected.consumedUpTo(batch.partition, BigInt(last.offset) + 1n);
        resolveOffset(String(last.offset));
        await heartbeat();
      }
    },
  });
}
