import { IS_COMPRESSED, IS_CONTROL, Reader, readRecordsBatch, type RecordsBatch } from '@platformatic/kafka';
import type { HeaderNames } from './fetchedRecords';
import type { ConsumedRecord } from './KafkaPort';

/**
 * A record batch as the client's parser makes it, or, for one triplane decodes, its header fields
 * with no records and its bytes as they came (`encoded`), read into records by decodeRecords only
 * when its partition's batch is handed over: records made while the fetch is still queued behind
 * the partition's batch in flight outlived the young generation.
 */
export interface DecodedBatch extends RecordsBatch {
  encoded?: Buffer;
}

/** baseOffset (int64) + batchLength (int32): the bytes before those batchLength counts. */
const BATCH_HEAD_BYTES = 12;
/** From baseOffset to the first record: the v2 batch header (https://kafka.apache.org/documentation/#recordbatch). */
const BATCH_HEADER_BYTES = 61;
const NO_BYTES = Buffer.alloc(0);

class Cursor {
  constructor(
    readonly buffer: Buffer,
    public position: number,
  ) {}

  /** An unsigned LEB128 varint of up to 32 bits, zigzag-decoded (Kafka's varint). */
  varInt(): number {
    const buffer = this.buffer;
    let raw = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[this.position++];
      if (byte === undefined) throw new RangeError('record batch ends inside a varint');
      raw |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new RangeError('varint longer than 5 bytes');
    }
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Kafka's varlong (a timestamp delta), as a number: exact up to 2^53, which a millisecond delta never reaches. */
  varLong(): number {
    const buffer = this.buffer;
    let raw = 0;
    let scale = 1;
    for (;;) {
      const byte = buffer[this.position++];
      if (byte === undefined) throw new RangeError('record batch ends inside a varlong');
      raw += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) break;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError('varlong longer than 10 bytes');
    }
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }
}

/**
 * Kafka's record batches (magic 2) of one partition of a fetch response: each batch's header, its
 * records left in their bytes for decodeRecords, which reads them straight into ConsumedRecords:
 * offsets and timestamps, key and value as views of the response's bytes, header names decoded once
 * per name (HeaderNames), a null header value as no bytes.
 *
 * Hand-written because the client's record parser was the largest piece of the projection benchmark
 * left once its per-record messages were gone: it returns a `[value, bytesRead]` array for every
 * varint (16 per record of the benchmark's five headers) and a Buffer for every name and value, about
 * 3.3 us of the 37 us a record cost one thread, before its garbage (README, "Where the time goes",
 * projection). Measured alone on 500 records of that benchmark: 1.1 us a record read and taken
 * here, 3.4 us through the client's parser; in the benchmark's profile the thread's busy time per
 * record went from 26.5 to 23.5 us once records stayed bytes until handed over and Lambda records
 * were made per invocation. The batch header and
 * everything but the records stay the client's format: a compressed or control batch, or one not of
 * magic 2, is handed to the client's own readRecordsBatch, so nothing the client reads is lost.
 * Like the client, a batch cut short at the end of the response (the broker stops at the fetch's
 * byte limit) is left for the next fetch.
 */
export function readRecordBatches(bytes: Buffer): DecodedBatch[] {
  const batches: DecodedBatch[] = [];
  let position = 0;
  while (bytes.length - position >= BATCH_HEAD_BYTES) {
    const batchLength = bytes.readInt32BE(position + 8);
    const end = position + BATCH_HEAD_BYTES + batchLength;
    if (end > bytes.length) break;
    const magic = bytes.readInt8(position + 16);
    const attributes = bytes.readInt16BE(position + 21);
    if (magic !== 2 || (attributes & (IS_COMPRESSED | IS_CONTROL)) !== 0) {
      batches.push(readRecordsBatch(Reader.from(bytes.subarray(position, end))));
    } else {
      batches.push(batchHeader(bytes.subarray(position, end)));
    }
    position = end;
  }
  return batches;
}

function batchHeader(bytes: Buffer): DecodedBatch {
  return {
    firstOffset: bytes.readBigInt64BE(0),
    length: bytes.readInt32BE(8),
    partitionLeaderEpoch: bytes.readInt32BE(12),
    magic: 2,
    crc: bytes.readUInt32BE(17),
    attributes: bytes.readInt16BE(21),
    lastOffsetDelta: bytes.readInt32BE(23),
    firstTimestamp: bytes.readBigInt64BE(27),
    maxTimestamp: bytes.readBigInt64BE(35),
    producerId: bytes.readBigInt64BE(43),
    producerEpoch: bytes.readInt16BE(51),
    firstSequence: bytes.readInt32BE(53),
    records: [],
    encoded: bytes,
  };
}

/** The records of one batch readRecordBatches left `encoded`, from `fromOffset` on (the broker returns whole batches: those before were delivered already). */
export function decodeRecords(bytes: Buffer, headerNames: HeaderNames, fromOffset: bigint): ConsumedRecord[] {
  const firstOffset = bytes.readBigInt64BE(0);
  const firstTimestamp = bytes.readBigInt64BE(27);
  const count = bytes.readInt32BE(57);
  const end = bytes.length;
  const consumed: ConsumedRecord[] = [];
  const cursor = new Cursor(bytes, BATCH_HEADER_BYTES);
  for (let i = 0; i < count; i++) {
    const length = cursor.varInt();
    const recordEnd = cursor.position + length;
    if (recordEnd > end) throw new RangeError(`record ${i} of the batch at offset ${firstOffset} runs past its batch`);
    cursor.position++; // the record's attributes, unused (int8)
    const timestampDelta = cursor.varLong();
    const offsetDelta = cursor.varInt();
    const offset = firstOffset + BigInt(offsetDelta);
    if (offset < fromOffset) {
      cursor.position = recordEnd;
      continue;
    }
    const key = bytesAt(cursor);
    const value = bytesAt(cursor);
    const headerCount = cursor.varInt();
    const headers = new Array<readonly [string, Buffer]>(headerCount < 0 ? 0 : headerCount);
    for (let h = 0; h < headerCount; h++) {
      const nameLength = cursor.varInt();
      const nameStart = cursor.position;
      // Kafka's header key is a non-null string; a missing one reads as ''.
      const name = nameLength < 0 ? '' : headerNames.textAt(bytes, nameStart, (cursor.position += nameLength));
      // A null value (Java's `new RecordHeader(name, null)`) reads as no bytes: Lambda's header byte lists have no null.
      headers[h] = [name, bytesAt(cursor) ?? NO_BYTES];
    }
    if (cursor.position !== recordEnd) throw new RangeError(`record ${i} of the batch at offset ${firstOffset} is ${length} bytes long but reads as ${length + cursor.position - recordEnd}`);
    consumed.push({ offset, timestamp: firstTimestamp + BigInt(timestampDelta), key, value, headers });
  }
  return consumed;
}

/** A varint length then that many bytes (a view, not a copy), or null for length -1. */
function bytesAt(cursor: Cursor): Buffer | null {
  const length = cursor.varInt();
  if (length < 0) return null;
  const start = cursor.position;
  cursor.position += length;
  if (cursor.position > cursor.buffer.length) throw new RangeError('record batch ends inside a field');
  return cursor.buffer.subarray(start, cursor.position);
}
