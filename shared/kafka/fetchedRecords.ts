import { IS_CONTROL, type fetchV17 } from '@platformatic/kafka';
import type { ConsumedRecord } from './KafkaPort';
import { decodeRecords, type DecodedBatch } from './recordBatchDecoder';

type FetchResponse = fetchV17.FetchResponse;
type FetchRequestTopic = fetchV17.FetchRequestTopic;

/** One record batch of a fetch (or the client-parsed records of one), read only when handed over. */
export interface FetchedPiece {
  /** How many records it holds at most: the batch's record count (records before the fetch offset are skipped when read). */
  count: number;
  /** Where a fetch must start to get this piece's records again: its first record's offset, or the offset that fetch asked for. */
  firstOffset: bigint;
  /** Reads the records (once). */
  records(): ConsumedRecord[];
}

/** One partition's records of one fetch response, in order, as the consumer port hands them on. */
export interface FetchedPartition {
  partition: number;
  /**
   * The records as record batches in order, each read on its own (once): batches triplane decodes stay
   * bytes until then (recordBatchDecoder.ts says why), and a port handing a partition's records over a
   * batchSize at a time reads only those, instead of a whole fetch's records living on the heap while
   * its first invocations run.
   */
  pieces: readonly FetchedPiece[];
  /** The partition leader epoch of the last record batch read (KIP-320: what OffsetCommit's committedLeaderEpoch expects). */
  leaderEpoch: number;
  /** The record batches' bytes, as the broker counts a fetch's size. */
  bytes: number;
}

/** Kafka's record batch header before `length` counts: baseOffset (int64) and length (int32). */
const BATCH_HEAD_BYTES = 12;
/** Where a record batch holds its record count (int32), as recordBatchDecoder.ts reads it. */
const RECORD_COUNT_AT = 57;

const NO_BYTES = Buffer.alloc(0);

/**
 * Header names as strings, each decoded once: every record of a topic carries the same few names, and
 * a string made per header (five a record here) was garbage the young generation had to sweep. Kept
 * as a copy of the bytes (the fetch's buffer is not held), at most 64 names; others are decoded each
 * time. Kafka's header key is a non-null string (the record format's headerKey); a missing one reads as ''.
 */
export class HeaderNames {
  private readonly known: Array<{ bytes: Buffer; text: string }> = [];

  text(bytes: Buffer | null): string {
    return bytes === null ? '' : this.textAt(bytes, 0, bytes.length);
  }

  /** The name written in `buffer` from `start` to `end`, read in place. */
  textAt(buffer: Buffer, start: number, end: number): string {
    const known = this.known;
    const length = end - start;
    for (let i = 0; i < known.length; i++) {
      const entry = known[i];
      if (entry !== undefined && entry.bytes.length === length && sameBytes(entry.bytes, buffer, start, length)) return entry.text;
    }
    const text = buffer.toString('utf8', start, end);
    if (known.length < 64) known.push({ bytes: Buffer.from(buffer.subarray(start, end)), text });
    return text;
  }
}

function sameBytes(a: Buffer, b: Buffer, start: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/**
 * Takes the records out of a fetch response, as ConsumedRecords per partition (read by triplane's
 * decoder, recordBatchDecoder.ts, or else by the client's parser and converted here), and
 * leaves the response's record batches empty (their offsets, lengths and attributes intact) for the
 * client's MessagesStream, which then only moves its fetch offsets on.
 *
 * Why below the client's messages: for each record its MessagesStream makes a spread copy, a
 * diagnostics context, a bound commit, a header Map and an entries list, the message, and pushes it
 * through an object-mode stream. In the projection benchmark that was 4.2 us of the 37 us of one
 * thread a record costs (plus the garbage: GC was 11.2 us), the largest single piece
 * (README, "Where the time goes", projection). Group membership, rebalances, fetch sessions,
 * leader epochs, out-of-range recovery and commits stay the client's.
 *
 * The rules the client's #pushRecords keeps are kept here: a partition not asked for in this request
 * (one lingering in an incremental fetch session) is stale and skipped; control batches (transaction
 * markers) carry no records; records before the offset asked for (the broker returns whole batches)
 * were delivered already. A null header value (length -1: Java's `new RecordHeader(name, null)`)
 * reads as no bytes: Lambda's MSK event gives every header as a byte list, which has no null.
 */
export function takeFetchedRecords(requested: readonly FetchRequestTopic[], response: FetchResponse, headerNames: HeaderNames): FetchedPartition[] {
  const fetchOffsets = new Map<string, bigint>();
  for (const topic of requested) for (const p of topic.partitions) fetchOffsets.set(`${topic.topicId}:${p.partition}`, p.fetchOffset);
  const fetched: FetchedPartition[] = [];
  for (const topicResponse of response.responses) {
    for (const partitionResponse of topicResponse.partitions) {
      const batches = partitionResponse.records;
      if (batches === undefined || batches === null || batches.length === 0) continue;
      const fetchOffset = fetchOffsets.get(`${topicResponse.topicId}:${partitionResponse.partitionIndex}`);
      if (fetchOffset === undefined) continue;
      // In order: records the client parsed (converted now) and batches left as bytes (decoded when read).
      const parts: Array<ConsumedRecord[] | Buffer> = [];
      let bytes = 0;
      let leaderEpoch = -1;
      for (const batch of batches) {
        bytes += batch.length + BATCH_HEAD_BYTES;
        leaderEpoch = batch.partitionLeaderEpoch;
        const kafkaRecords = batch.records;
        batch.records = [];
        if ((batch.attributes & IS_CONTROL) !== 0) continue;
        const { encoded }: DecodedBatch = batch;
        if (encoded !== undefined) {
          parts.push(encoded);
          continue;
        }
        const records: ConsumedRecord[] = [];
        const firstOffset = batch.firstOffset;
        const firstTimestamp = batch.firstTimestamp;
        for (const record of kafkaRecords) {
          const offset = firstOffset + BigInt(record.offsetDelta);
          if (offset < fetchOffset) continue;
          const pairs = record.headers;
          const headers = new Array<readonly [string, Buffer]>(pairs.length);
          for (let i = 0; i < pairs.length; i++) {
            const pair = pairs[i];
            headers[i] = pair === undefined ? ['', NO_BYTES] : [headerNames.text(pair[0]), pair[1] ?? NO_BYTES];
          }
          records.push({ offset, timestamp: firstTimestamp + record.timestampDelta, key: record.key, value: record.value, headers });
        }
        if (records.length > 0) parts.push(records);
      }
      if (parts.length === 0) continue;
      const pieces = parts.map((part): FetchedPiece => {
        if (Array.isArray(part)) return { count: part.length, firstOffset: part[0]?.offset ?? fetchOffset, records: () => part };
        const baseOffset = part.readBigInt64BE(0);
        return { count: part.readInt32BE(RECORD_COUNT_AT), firstOffset: baseOffset > fetchOffset ? baseOffset : fetchOffset, records: () => decodeRecords(part, headerNames, fetchOffset) };
      });
      fetched.push({ partition: partitionResponse.partitionIndex, pieces, leaderEpoch, bytes });
    }
  }
  return fetched;
}
