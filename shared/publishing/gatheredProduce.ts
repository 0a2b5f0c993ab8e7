import type { OutgoingRecord, TopicRecords } from '../kafka/KafkaPort';

/** One record bound for a topic, with its size as counted against the request's byte limit. */
export interface GatherableRecord {
  topic: string;
  record: OutgoingRecord;
  bytes: number;
}

export interface GatherLimits {
  /** A request is sent before it would pass either limit; a single call larger than both goes alone. */
  maxBytes: number;
  maxMessages: number;
}

/** Well under Kafka's default 1 MB message.max.bytes per partition batch, however the keys fall. */
export const KAFKA_REQUEST_LIMITS: GatherLimits = { maxBytes: 512 * 1024, maxMessages: 2_000 };

const sizeOf = (data: Buffer | string | null | undefined): number => (typeof data === 'string' ? Buffer.byteLength(data) : (data?.length ?? 0));

/** A record's size as counted against the limits: its key and value (headers are small beside them). */
export const outgoingBytes = (record: OutgoingRecord): number => sizeOf(record.key) + sizeOf(record.value);

/**
 * A produce request being gathered: the calls that arrive in the same turn of the event loop share one
 * request. Every request costs a round trip with acks=all (and one record batch per partition to store
 * and fetch), so 16 concurrent ingests of 100 events sent as one
 * request instead of 16 move more events per round trip and per fetch (bench/: ingest and freshness).
 */
interface Gathered {
  byTopic: Map<string, OutgoingRecord[]>;
  messages: number;
  bytes: number;
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/**
 * Gathers the records of concurrent calls into shared produce requests, sent by `send` once the turn
 * ends (`schedule`) or sooner when the next call would pass a limit. Each call resolves once the
 * request holding its records succeeded, and rejects with that request's error otherwise: a failed
 * request fails exactly the calls it carried, never those gathered before or after it.
 */
export function gatheredProduce(send: (batches: TopicRecords[]) => Promise<void>, limits: GatherLimits, schedule: (run: () => void) => void = setImmediate) {
  let open: Gathered | undefined;

  const flush = (gathered: Gathered): void => {
    if (open === gathered) open = undefined;
    if (gathered.waiters.length === 0) return;
    const waiters = gathered.waiters.splice(0);
    const batches = [...gathered.byTopic].map(([topic, records]) => ({ topic, records }));
    send(batches).then(
      () => waiters.forEach((w) => w.resolve()),
      (error: unknown) => waiters.forEach((w) => w.reject(error)),
    );
  };

  const startGathering = (): Gathered => {
    const gathered: Gathered = { byTopic: new Map(), messages: 0, bytes: 0, waiters: [] };
    // After the I/O callbacks of this turn: the requests that arrived together are gathered by then.
    schedule(() => flush(gathered));
    return gathered;
  };

  return (records: readonly GatherableRecord[]): Promise<void> => {
    const bytes = records.reduce((total, r) => total + r.bytes, 0);
    if (open !== undefined && (open.bytes + bytes > limits.maxBytes || open.messages + records.length > limits.maxMessages)) flush(open);
    const gathered = (open ??= startGathering());
    for (const { topic, record } of records) {
      const list = gathered.byTopic.get(topic);
      if (list === undefined) gathered.byTopic.set(topic, [record]);
      else list.push(record);
    }
    gathered.messages += records.length;
    gathered.bytes += bytes;
    return new Promise<void>((resolve, reject) => gathered.waiters.push({ resolve, reject }));
  };
}

/**
 * A call's records in pieces within the limits, in their order: a piece never passes either limit
 * unless it is one record alone. Sent one after the other, the pieces keep each partition's order, and
 * no request can put more on a partition than Kafka takes in one batch (message.max.bytes, 1 MB by
 * default), which one ingest call of many large events on one key otherwise would, on every retry.
 */
export function piecesWithin(records: readonly GatherableRecord[], limits: GatherLimits): GatherableRecord[][] {
  const pieces: GatherableRecord[][] = [];
  let piece: GatherableRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    if (piece.length > 0 && (bytes + record.bytes > limits.maxBytes || piece.length + 1 > limits.maxMessages)) {
      pieces.push(piece);
      piece = [];
      bytes = 0;
    }
    piece.push(record);
    bytes += record.bytes;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}
