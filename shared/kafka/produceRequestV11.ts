import { crc32c, type CreateRecordsBatchOptions } from '@platformatic/kafka';

/** Bytes, or text written as UTF-8 straight into the request (no Buffer per header value or per JSON value). */
export type Bytes = Buffer | string;

/** A record as the client hands it to its Produce API (its MessageRecord), with text allowed where bytes go. */
export interface ProducedRecord {
  key?: Bytes | null;
  value?: Bytes | null;
  headers?: Map<Bytes, Bytes>;
  topic: string;
  partition?: number;
  timestamp?: bigint;
}

/**
 * A Produce v11 request body (the part after the request header), with one record batch (magic 2) per
 * partition, written into a single Buffer of the exact size.
 *
 * Why not the client's own createRequest (@platformatic/kafka 2.12.1, produce-v11.js): it builds every
 * record as a Writer over a DynamicBuffer (plus an 8-byte read buffer each) holding ~20 small Buffers
 * (one per varint and int), then concatenates the whole batch's chunks for the CRC and the whole
 * request's again before the socket write. In the ingest benchmark that encoding was 20% of the main
 * thread (createRecordsBatch 18%, the two concats 7%) and most of its garbage (GC 15% of the thread);
 * this writer does the same bytes with two passes over the records and no allocation per record.
 * The bytes are the client's, byte for byte (test/unit/shared/kafka/produceRequestV11.property.test.ts
 * compares them over random records), and everything around them is still the client's: producer id,
 * epoch and per-partition sequences, retries, the idempotent producer's recovery, the response parsing.
 *
 * Wire format: https://kafka.apache.org/protocol#The_Messages_Produce (v11, flexible) and
 * https://kafka.apache.org/documentation/#recordbatch (record batch v2, varints zigzag-encoded).
 */
export function encodeProduceRequestV11(acks: number, timeout: number, messages: readonly ProducedRecord[], options: Partial<CreateRecordsBatchOptions>): Buffer {
  const now = BigInt(Date.now());
  // Normalized as the client's createRequest does: a retry of the same messages sends the same timestamps.
  for (const message of messages) {
    message.partition ??= 0;
    message.timestamp ??= now;
  }
  const topics = groupedByTopicAndPartition(messages);
  const transactionalId = options.transactionalId === null || options.transactionalId === undefined ? undefined : Buffer.from(options.transactionalId, 'utf8');

  // Pass 1: sizes. The UTF-8 length of each text, in the order pass 2 writes them.
  const texts: TextLengths = { lengths: [], next: 0 };
  let size = (transactionalId === undefined ? 1 : unsignedVarIntSize(transactionalId.length + 1) + transactionalId.length) + 2 + 4 + unsignedVarIntSize(topics.length + 1);
  const batchSizes: number[] = [];
  const recordSizes: number[] = [];
  for (const { name, partitions } of topics) {
    size += unsignedVarIntSize(name.length + 1) + name.length + unsignedVarIntSize(partitions.length + 1);
    for (const [, records] of partitions) {
      const first = records[0]?.timestamp ?? now;
      let batch = RECORD_BATCH_OVERHEAD;
      for (let i = 0; i < records.length; i++) {
        const bodySize = recordBodySize(records[i] as ProducedRecord, i, first, texts);
        recordSizes.push(bodySize);
        batch += varIntSize(bodySize) + bodySize;
      }
      batchSizes.push(batch);
      size += 4 + unsignedVarIntSize(batch + 1) + batch + 1;
    }
    size += 1;
  }
  size += 1;

  // Pass 2: bytes.
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  if (transactionalId === undefined) at = out.writeUInt8(0, at);
  else {
    at = writeUnsignedVarInt(out, at, transactionalId.length + 1);
    at += transactionalId.copy(out, at);
  }
  at = out.writeInt16BE(acks, at);
  at = out.writeInt32BE(timeout, at);
  at = writeUnsignedVarInt(out, at, topics.length + 1);
  let batchIndex = 0;
  let recordIndex = 0;
  for (const { name, partitions } of topics) {
    at = writeUnsignedVarInt(out, at, name.length + 1);
    at += name.copy(out, at);
    at = writeUnsignedVarInt(out, at, partitions.length + 1);
    for (const [partition, records] of partitions) {
      const batchSize = batchSizes[batchIndex++] as number;
      at = out.writeInt32BE(partition, at);
      at = writeUnsignedVarInt(out, at, batchSize + 1);
      const batchStart = at;
      const first = records[0]?.timestamp ?? now;
      let max = first;
      for (const record of records) if ((record.timestamp ?? now) > max) max = record.timestamp ?? now;
      at = out.writeBigInt64BE(0n, at); // base offset: the broker assigns it
      at = out.writeInt32BE(batchSize - 12, at); // batch length: everything after this field
      at = out.writeInt32BE(options.partitionLeaderEpoch ?? 0, at);
      at = out.writeInt8(2, at); // magic
      const crcAt = at;
      at += 4;
      at = out.writeInt16BE(options.transactionalId ? IS_TRANSACTIONAL : 0, at); // as the client: an empty id is no transaction
      at = out.writeInt32BE(records.length - 1, at);
      at = out.writeBigInt64BE(first, at);
      at = out.writeBigInt64BE(max, at);
      at = out.writeBigInt64BE(options.producerId ?? -1n, at);
      at = out.writeInt16BE(options.producerEpoch ?? 0, at);
      at = out.writeInt32BE(options.sequences?.getWithDefault(`${records[0]?.topic ?? ''}:${partition}`, 0) ?? 0, at);
      at = out.writeInt32BE(records.length, at);
      for (let i = 0; i < records.length; i++) at = writeRecord(out, at, records[i] as ProducedRecord, i, first, recordSizes[recordIndex++] as number, texts);
      // CRC-32C from the attributes to the end of the batch.
      out.writeUInt32BE(crc32c(out.subarray(crcAt + 4, batchStart + batchSize)), crcAt);
      at = out.writeUInt8(0, at); // partition's tagged fields
    }
    at = out.writeUInt8(0, at); // topic's tagged fields
  }
  at = out.writeUInt8(0, at); // request's tagged fields
  if (at !== size) throw new Error(`produce request encoded ${at} bytes, expected ${size}`);
  return out;
}

const IS_TRANSACTIONAL = 1 << 4;
/** Base offset 8, length 4, leader epoch 4, magic 1, crc 4, attributes 2, last offset delta 4, timestamps 16, producer id 8, epoch 2, base sequence 4, record count 4. */
const RECORD_BATCH_OVERHEAD = 61;

interface TopicGroup {
  name: Buffer;
  partitions: Array<[number, ProducedRecord[]]>;
}

/** Topics in their first appearance, partitions in ascending order (the client's groupByProperty), records in their order. */
function groupedByTopicAndPartition(messages: readonly ProducedRecord[]): TopicGroup[] {
  const byTopic = new Map<string, Map<number, ProducedRecord[]>>();
  for (const message of messages) {
    let partitions = byTopic.get(message.topic);
    if (partitions === undefined) byTopic.set(message.topic, (partitions = new Map<number, ProducedRecord[]>()));
    const partition = message.partition ?? 0;
    const list = partitions.get(partition);
    if (list === undefined) partitions.set(partition, [message]);
    else list.push(message);
  }
  const topics: TopicGroup[] = [];
  for (const [topic, partitions] of byTopic) topics.push({ name: Buffer.from(topic, 'utf8'), partitions: [...partitions].sort((a, b) => a[0] - b[0]) });
  return topics;
}

/** The UTF-8 lengths of a request's texts, measured in pass 1 and read back in the same order in pass 2. */
interface TextLengths {
  lengths: number[];
  next: number;
}

/** The records of a request share one timestamp (the request's `now`): no BigInt arithmetic, which allocates, for them. */
const timestampDelta = (record: ProducedRecord, firstTimestamp: bigint): number =>
  record.timestamp === undefined || record.timestamp === firstTimestamp ? 0 : Number(record.timestamp - firstTimestamp);

/** A record's bytes after its own length varint. */
function recordBodySize(record: ProducedRecord, offsetDelta: number, firstTimestamp: bigint, texts: TextLengths): number {
  let size = 1 + varLongSize(timestampDelta(record, firstTimestamp)) + varIntSize(offsetDelta) + bytesSize(record.key, texts) + bytesSize(record.value, texts);
  const headers = record.headers;
  if (headers === undefined) return size + 1;
  size += varIntSize(headers.size);
  for (const [name, value] of headers) size += bytesSize(name, texts) + bytesSize(value, texts);
  return size;
}

function writeRecord(out: Buffer, at: number, record: ProducedRecord, offsetDelta: number, firstTimestamp: bigint, bodySize: number, texts: TextLengths): number {
  at = writeVarInt(out, at, bodySize);
  at = out.writeInt8(0, at); // attributes
  at = writeVarLong(out, at, timestampDelta(record, firstTimestamp));
  at = writeVarInt(out, at, offsetDelta);
  at = writeBytes(out, at, record.key, texts);
  at = writeBytes(out, at, record.value, texts);
  const headers = record.headers;
  if (headers === undefined) return writeVarInt(out, at, 0);
  at = writeVarInt(out, at, headers.size);
  for (const [name, value] of headers) at = writeBytes(out, writeBytes(out, at, name, texts), value, texts);
  return at;
}

/** Length-prefixed bytes, -1 for null (the client writes an undefined key as null). */
function bytesSize(data: Bytes | undefined | null, texts: TextLengths): number {
  if (data === undefined || data === null) return 1;
  if (typeof data !== 'string') return varIntSize(data.length) + data.length;
  const length = utf8Length(data);
  texts.lengths.push(length);
  return varIntSize(length) + length;
}

function writeBytes(out: Buffer, at: number, data: Bytes | undefined | null, texts: TextLengths): number {
  if (data === undefined || data === null) return writeVarInt(out, at, -1);
  if (typeof data === 'string') {
    const length = texts.lengths[texts.next++] as number;
    at = writeVarInt(out, at, length);
    return at + writeUtf8(out, at, data, length);
  }
  at = writeVarInt(out, at, data.length);
  // TypedArray's set, not Buffer's copy: copy's argument checks cost more than the bytes of a header value.
  out.set(data, at);
  return at + data.length;
}

/** Short texts (ids, types, header names) are ASCII almost always: measured and written in JavaScript, no call into C++ per header. */
const SHORT_TEXT = 64;

function utf8Length(text: string): number {
  if (text.length <= SHORT_TEXT) {
    let i = 0;
    while (i < text.length && text.charCodeAt(i) < 0x80) i++;
    if (i === text.length) return i;
  }
  return Buffer.byteLength(text, 'utf8');
}

/** As Buffer.from(text, 'utf8') would make it (a lone surrogate as U+FFFD), `length` being its UTF-8 length. */
function writeUtf8(out: Buffer, at: number, text: string, length: number): number {
  if (length === text.length && length <= SHORT_TEXT) {
    for (let i = 0; i < length; i++) out[at + i] = text.charCodeAt(i);
    return length;
  }
  return out.write(text, at, length, 'utf8');
}

export function unsignedVarIntSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

export function writeUnsignedVarInt(out: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/** Zigzag: 0, -1, 1, -2 ... as 0, 1, 2, 3 ...; in doubles, so a timestamp delta past 2^31 stays exact. */
const zigzag = (value: number): number => (value >= 0 ? value * 2 : -value * 2 - 1);
const varIntSize = (value: number): number => unsignedVarIntSize(zigzag(value));
const varLongSize = varIntSize;
const writeVarInt = (out: Buffer, at: number, value: number): number => writeUnsignedVarInt(out, at, zigzag(value));
const writeVarLong = writeVarInt;
