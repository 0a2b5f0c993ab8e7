import type { ConsumedRecord, KafkaAdminPort, KafkaConsumerPort, PartitionBatch } from '../../shared/kafka/KafkaPort';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { mskFetchSettings } from './mskFetchSettings';
import { recordsSkipped } from './skippedRecords';
import { chunkRecords, consumedRecordSize, kafkaTriggerEventJson, MAX_PAYLOAD_BYTES } from './kafkaTriggerEvent';
import { EventJson } from './eventJson';
import type { MskSubscription } from '../../shared/routes/functionCatalog';
import { compileKafkaFilterPatterns, type KafkaRecordFilter } from '../../shared/triggers/kafka/kafkaFilterPatterns';

export interface MappingOptions {
  functionName: string;
  /** The subscription as serverless.yml gives it; tests and benchmarks map private topics the same way. */
  event: Pick<MskSubscription, 'batchSize' | 'maximumBatchingWindow' | 'startingPosition'> & Partial<Pick<MskSubscription, 'filterPatterns'>> & { topic: string };
  groupId: string;
  brokers: string[];
  eventSourceArn: string;
  /**
   * Handed each batch's `aws:kafka` event as an EventJson (its JSON text, as Lambda's runtime API hands
   * it over): a FunctionHost sends the text to its worker as it is, a loaded function (loadFunction)
   * and any other caller parse it first (receivedEvent). Typed, so no caller takes it for the object.
   */
  invoke: (event: EventJson) => Promise<unknown>;
  onInvocation?: (outcome: { functionName: string; records: number; ok: boolean; error?: unknown }) => void;
  /** The consumer failed (a fetch, a commit or the group membership); this mapping starts a new one after `restartInMs`. */
  onCrash?: (crash: { functionName: string; error: Error; restartInMs: number }) => void;
  /** Kafka no longer held the records from `expected` to `fetched` when this mapping asked for them. */
  onSkipped?: (gap: { functionName: string; topic: string; partition: number; expected: bigint; fetched: bigint }) => void;
  /**
   * Return once the mapping is set up, its first consumer joining its group meanwhile. A group that a
   * killed runtime's members are still in holds every join until their sessions time out
   * (SESSION_TIMEOUT_MS, longer while the cluster recovers: 13-44 s in the fault suite), and the
   * runtime's HTTP API has no reason to wait for that: deployed, API Gateway's routes do not wait for
   * an event source mapping either. Otherwise (replay, tests, benchmarks) start returns once joined.
   */
  joinInBackground?: boolean;
}

/** What the runtime holds of a running mapping: it only ever stops it. */
export interface MskMapping {
  disconnect(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lambda retries a failed Kafka batch until it succeeds; the wait between tries grows to this cap. */
const MAX_RETRY_WAIT_MS = 10_000;
/** First wait before a failed consumer is replaced; doubles per failure in a row, up to MAX_RETRY_WAIT_MS. */
const FIRST_RESTART_WAIT_MS = 500;
/**
 * A member that stops heartbeating leaves its group after this long. Short, so a runtime restarted
 * after kill -9 (whose dead members the coordinator waits for before it can rebalance) consumes again
 * within seconds. The client heartbeats on its own timer, invocations or not, so only a process that
 * stops makes the group rebalance.
 */
const SESSION_TIMEOUT_MS = 10_000;

/**
 * An MSK event source mapping with Lambda's semantics: its own consumer group; records in order per
 * partition; batches of at most batchSize (and 6 MB) gathered for at most the batching window; offsets
 * committed only after the invocation succeeded; a failed batch retried whole until it succeeds; one
 * batch in flight per partition (the KafkaPort hands a partition's next batch over only once the
 * last one returned).
 *
 * The batching window maps to the fetch's maxWaitMs with a large minBytes, so the broker holds the
 * fetch until the window ends or enough data arrived, which is what Lambda's poller does (mskFetchSettings).
 *
 * The commit after an invocation is sent, not waited for: the partition's next batch is fetched and
 * invoked while Kafka answers, as a Kafka consumer committing asynchronously does. Lambda commits "after
 * successful processing" and promises at-least-once, not a commit acknowledged before the next batch
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-process.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kafka.html). Waiting for it put a Kafka round trip
 * (~15 ms locally, more while another group's batch kept the broker busy) into every fetch cycle, which
 * made about a third of the freshness figure (README, freshness profile). A refused commit still fails
 * the consumer, and its replacement resumes from what was committed; the handlers absorb the batches
 * delivered again, as after any crash.
 */
export async function startMskEventSourceMapping(options: MappingOptions): Promise<MskMapping> {
  // Lambda's poller never gives a mapping up. A KafkaPort consumer does stop on a failure it cannot
  // ride out (a fetch from a broker that went away, a commit refused after a rebalance, a rejoin that
  // failed), so a failed consumer is replaced by a new one in the same group, which resumes from the
  // committed offsets: at worst a batch is delivered again, which the handlers' idempotency absorbs.
  // A pattern the local mapping does not implement is refused here, before any record is read.
  const patterns = options.event.filterPatterns ?? [];
  const filter = patterns.length === 0 ? undefined : compileKafkaFilterPatterns(patterns);
  const kafka = localKafkaClient(options.brokers, `triplane-local-${options.functionName}`);
  let stopped = false;
  let current: KafkaConsumerPort | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let failuresInARow = 0;
  const expected = await ExpectedOffsets.load(kafka.admin(), options.groupId, options.event.topic);
  // A consumer that failed, or could not even start (Kafka down, a broker being restarted, the
  // coordinator still loading), is one more failure in a row: a new one is tried after a growing wait.
  const relaunchLater = (error: unknown) => {
    if (stopped) return;
    current = undefined;
    const restartInMs = Math.min(MAX_RETRY_WAIT_MS, FIRST_RESTART_WAIT_MS * 2 ** failuresInARow++);
    options.onCrash?.({ functionName: options.functionName, error: error instanceof Error ? error : new Error(String(error)), restartInMs });
    restartTimer = setTimeout(() => {
      if (!stopped) launch().catch(relaunchLater);
    }, restartInMs);
  };
  const launch = async (): Promise<void> => {
    const consumer = await kafka.consumer({
      groupId: options.groupId,
      topic: options.event.topic,
      startAt: options.event.startingPosition === 'LATEST' ? 'latest' : 'earliest',
      ...mskFetchSettings(options.event.maximumBatchingWindow),
      // An invocation's worth of records read at a time: a fetch brings a partition up to 1 MB (a few
      // thousand small records), and all of them read at once lived on the heap while the first
      // invocations ran, each young-generation collection copying them (scavenges were a fifth to a
      // quarter of the projection benchmark's thread; this cut what each promotes by about a tenth,
      // measured). A filtering mapping takes all it has: Lambda fills a batch with the records its
      // filter keeps, not with a batchSize of fetched ones.
      ...(filter === undefined ? { maxRecordsPerBatch: options.event.batchSize } : {}),
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
    });
    if (stopped) {
      await consumer.stop();
      return;
    }
    current = consumer;
    consumer.run(async (batch) => {
      await handleBatch(batch, options, expected, filter);
      failuresInARow = 0;
    });
    consumer.done.catch((error: unknown) => {
      if (consumer === current) relaunchLater(error);
    });
  };
  // Not even the first consumer's failure stops the mapping (or the runtime that starts it): the
  // runtime restarted in the middle of a broker restart must come up and consume once Kafka is back.
  const first = launch().catch(relaunchLater);
  if (options.joinInBackground !== true) await first;
  return {
    async disconnect() {
      stopped = true;
      clearTimeout(restartTimer);
      // A first consumer still joining stops as soon as it has joined (launch), and leaves its group then.
      await first;
      // Stopping waits for the batch in flight, so no invocation is cut in half.
      await current?.stop();
    },
  };
}

/** One handed-over partition batch: its invocations in order, each committed after it succeeded (exported for its unit test). */
export async function handleBatch(batch: PartitionBatch, options: MappingOptions, expected: ExpectedOffsets, filter: KafkaRecordFilter | undefined): Promise<void> {
  const { event, invoke, functionName } = options;
  const bootstrapServers = options.brokers.join(',');
  const first = batch.records[0];
  if (first === undefined) return;
  const expectedNext = expected.of(batch.partition);
  if (expectedNext !== undefined && recordsSkipped(expectedNext, first.offset) > 0n) {
    options.onSkipped?.({ functionName, topic: batch.topic, partition: batch.partition, expected: expectedNext, fetched: first.offset });
  }
  // Lambda applies the mapping's filter before batching: a dropped record never invokes the function.
  const kept = filter === undefined ? batch.records : batch.records.filter((record) => filter(record.value));
  // Cut into invocations first, each one's Lambda records made only when it goes.
  const chunks = chunkRecords(kept, event.batchSize, MAX_PAYLOAD_BYTES, consumedRecordSize);
  const lastRecord = batch.records[batch.records.length - 1] ?? first;
  const lastFetched = lastRecord.offset;
  const allKept = kept[kept.length - 1] === lastRecord;
  // From here on only the chunks hold the records, and each chunk only until its event is written: held
  // across the invocations (Redis round trips), twelve partitions' decoded records stayed alive (a heap
  // snapshot in the projection benchmark: 8,350 of them, against 2,465 records of parsed events), and
  // each young-generation collection found 8.4-8.7 MB alive with this instead of 9.8-10.0 (--trace-gc-nvp).
  batch.records.length = 0;
  kept.length = 0;
  for (let i = 0; i < chunks.length; i++) {
    const { payload, records, nextOffset } = takeInvocation(chunks, i, options.eventSourceArn, bootstrapServers, batch.topic, batch.partition);
    for (let attempt = 1; ; attempt++) {
      if (!batch.stillAssigned()) return;
      try {
        await invoke(payload);
        options.onInvocation?.({ functionName, records, ok: true });
        break;
      } catch (error) {
        options.onInvocation?.({ functionName, records, ok: false, error });
        await sleep(Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** Math.min(attempt, 6)));
      }
    }
    batch.commitInBackground(nextOffset);
    expected.consumedUpTo(batch.partition, nextOffset);
  }
  // The offsets of dropped records are committed too (invocation-eventfiltering.html): records after
  // the last one invoked, or a whole batch that invoked nothing, move the group's offset all the same.
  if (!allKept && batch.stillAssigned()) {
    batch.commitInBackground(lastFetched + 1n);
    expected.consumedUpTo(batch.partition, lastFetched + 1n);
  }
}

/**
 * The event of the `i`th invocation's records (their JSON text), how many, and the offset to commit
 * after it; the chunk is emptied, so nothing holds its records while the invocation runs.
 */
function takeInvocation(chunks: ConsumedRecord[][], i: number, eventSourceArn: string, bootstrapServers: string, topic: string, partition: number) {
  const chunk = chunks[i] ?? [];
  chunks[i] = [];
  const last = chunk[chunk.length - 1];
  // chunkRecords makes no empty chunk.
  if (last === undefined) throw new Error('an invocation of no records');
  // The event's JSON text written from the records (the text JSON.stringify of toKafkaTriggerEvent's event makes).
  const payload = new EventJson(kafkaTriggerEventJson(eventSourceArn, bootstrapServers, topic, partition, chunk));
  return { payload, records: chunk.length, nextOffset: last.offset + 1n };
}

/**
 * The offset each partition's next batch must start at: the group's committed offset when the mapping
 * started, then the offset after the last batch it invoked and sent the commit of. With the idempotent, non-transactional
 * producer every topic is written with, offsets are contiguous, so a first fetched offset beyond it
 * means Kafka no longer held the records in between (retention, deleted records) and the consumer
 * moved on to the log start (OFFSET_OUT_OF_RANGE answered by the earliest offset, messages-stream.js)
 * without a word. Locally one member per group commits, so the mapping's own commits stay the truth
 * across rebalances and consumer replacements.
 */
export class ExpectedOffsets {
  private readonly next = new Map<number, bigint>();

  static async load(admin: KafkaAdminPort, groupId: string, topic: string): Promise<ExpectedOffsets> {
    const expected = new ExpectedOffsets();
    try {
      for (const [partition, offset] of await admin.groupOffsets(groupId, topic)) expected.next.set(partition, offset);
    } catch {
      // Unknown is not a gap: a failed lookup reports nothing for this start rather than a false skip.
    } finally {
      await admin.close().catch(() => undefined);
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
