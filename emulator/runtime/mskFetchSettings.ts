/** The fetch a mapping's consumer makes: how long the broker may hold it, and for how many bytes. */
export interface MskFetchSettings {
  maxWaitMs: number;
  minBytes: number;
  maxBytesPerPartition: number;
  maxBytes: number;
}

/** Kafka's own consumer default for fetch.max.wait.ms (https://kafka.apache.org/documentation/#consumerconfigs_fetch.max.wait.ms). */
const KAFKA_DEFAULT_FETCH_MAX_WAIT_MS = 500;
/** Kafka's own consumer default for max.partition.fetch.bytes (https://kafka.apache.org/documentation/#consumerconfigs_max.partition.fetch.bytes). */
const MAX_BYTES_PER_PARTITION = 1024 * 1024;
/** Lambda's invocation payload limit (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): a fetch holds no more than one invocation could carry. */
const MAX_BYTES = 6 * 1024 * 1024;
/** Enough bytes that a windowed fetch is held until its window ends, as Lambda gathers a batch for the whole window. */
const WINDOW_MIN_BYTES = 1024 * 1024;

/**
 * The fetch settings of an MSK event source mapping with the batching window serverless.yml gives
 * (MaximumBatchingWindowInSeconds). A window holds the fetch until it ends or a large batch arrived,
 * which is what Lambda's poller does. No window: the broker answers as soon as one record is there
 * (minBytes 1), and an idle fetch waits Kafka's default 500 ms: a shorter wait adds no freshness,
 * since a waiting fetch is answered the moment a record arrives, only idle fetches, ten a second per
 * mapping at 100 ms, each a socket write and a broker round trip the poller thread and the broker pay
 * for (socket writes of Kafka requests were about 1 s of the poller thread's CPU in a freshness run).
 */
export function mskFetchSettings(maximumBatchingWindowSeconds: number): MskFetchSettings {
  const windowMs = maximumBatchingWindowSeconds * 1000;
  return windowMs > 0
    ? { maxWaitMs: windowMs, minBytes: WINDOW_MIN_BYTES, maxBytesPerPartition: MAX_BYTES_PER_PARTITION, maxBytes: MAX_BYTES }
    : { maxWaitMs: KAFKA_DEFAULT_FETCH_MAX_WAIT_MS, minBytes: 1, maxBytesPerPartition: MAX_BYTES_PER_PARTITION, maxBytes: MAX_BYTES };
}
