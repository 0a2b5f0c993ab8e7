import type { ConsumedRecord } from '../../shared/kafka/KafkaPort';
import type { KafkaTriggerEvent, KafkaTriggerRecord } from '../../shared/triggers/kafka/KafkaTriggerEvent';
import { JsonTextBuffer } from './jsonTextBuffer';
import { toSignedBytes } from './signedBytes';

/**
 * `{ [name]: bytes }`, built by assignment: the computed-key literal took twice as long in V8 (measured).
 * Except `__proto__`, which an assignment would take as the prototype instead of a header.
 */
function oneHeader(name: string, bytes: number[]): Record<string, number[]> {
  if (name === '__proto__') return { [name]: bytes };
  const header: Record<string, number[]> = {};
  header[name] = bytes;
  return header;
}

export function toKafkaTriggerRecord(topic: string, partition: number, record: ConsumedRecord): KafkaTriggerRecord {
  // One entry per header in the record's order, a repeated name repeated, as Lambda delivers them.
  const headers = new Array<Record<string, number[]>>(record.headers.length);
  for (let i = 0; i < record.headers.length; i++) {
    const header = record.headers[i];
    if (header !== undefined) headers[i] = oneHeader(header[0], toSignedBytes(header[1]));
  }
  return {
    topic,
    partition,
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    timestampType: 'CREATE_TIME',
    key: record.key === null ? null : record.key.toString('base64'),
    value: record.value === null ? null : record.value.toString('base64'),
    headers,
  };
}

/** The `aws:kafka` event of one batch: records keyed `<topic>-<partition>`, bytes base64, as MSK delivers them. */
export function toKafkaTriggerEvent(eventSourceArn: string, bootstrapServers: string, records: KafkaTriggerRecord[]): KafkaTriggerEvent {
  const grouped: Record<string, KafkaTriggerRecord[]> = {};
  // A mapping's batch is one partition's: its key made once per run of records, not once per record.
  let topic: string | undefined;
  let partition: number | undefined;
  let list: KafkaTriggerRecord[] = [];
  for (const record of records) {
    if (record.topic !== topic || record.partition !== partition) {
      topic = record.topic;
      partition = record.partition;
      list = grouped[`${topic}-${partition}`] ??= [];
    }
    list.push(record);
  }
  return { eventSource: 'aws:kafka', eventSourceArn, bootstrapServers, records: grouped };
}

/** Lambda's invocation payload limit: a batch is cut before it would pass it, whatever batchSize says. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** What a record weighs against the payload limit: its base64 key and value, and a share for its other fields and headers. */
export function triggerRecordSize(record: KafkaTriggerRecord): number {
  return (record.value?.length ?? 0) + (record.key?.length ?? 0) + 200 + record.headers.length * 64;
}

const base64Length = (bytes: Buffer | null): number => (bytes === null ? 0 : 4 * Math.ceil(bytes.length / 3));

/**
 * triggerRecordSize of the record toKafkaTriggerRecord would make, from the consumed record: so a
 * batch is cut into invocations before its records are made, and each invocation's are made only
 * when it goes (the records of a whole fetch, made at once, outlived the young generation).
 */
export function consumedRecordSize(record: ConsumedRecord): number {
  return base64Length(record.value) + base64Length(record.key) + 200 + record.headers.length * 64;
}

/** Cuts records into invocations of at most `batchSize` records and `maxBytes` by `sizeOf` (a record heavier than maxBytes goes alone). */
export function chunkRecords<R>(records: readonly R[], batchSize: number, maxBytes: number, sizeOf: (record: R) => number): R[][] {
  const chunks: R[][] = [];
  let current: R[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = sizeOf(record);
    if (current.length > 0 && (current.length >= batchSize || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Constant pieces of a record's text, as bytes. */
const piece = (text: string): Buffer => Buffer.from(text, 'latin1');
const TIMESTAMP = piece(',"timestamp":');
const KEY = piece(',"timestampType":"CREATE_TIME","key":');
const VALUE = piece(',"value":');
const HEADERS = piece(',"headers":[');
const RECORD_END = piece(']}');
const COMMA = 44;
const CLOSE_OBJECT = 125;

/**
 * `{"<name>":` of each header name seen, as UTF-8 bytes, up to a bound in count and in name length: a
 * topic's records carry the same few short names, and any producer may write others (a name of a
 * megabyte in each of a thousand records would otherwise stay in this cache).
 */
const headerOpenings = new Map<string, { bytes: Buffer; ascii: boolean }>();
const MAX_HEADER_OPENINGS = 1_000;
const MAX_CACHED_NAME_LENGTH = 128;
function headerOpening(name: string): { bytes: Buffer; ascii: boolean } {
  let opening = headerOpenings.get(name);
  if (opening === undefined) {
    const text = '{' + JSON.stringify(name) + ':';
    const bytes = Buffer.from(text, 'utf8');
    // JSON.stringify escapes lone surrogates, so the text is well-formed and its UTF-8 reads back the same.
    opening = { bytes, ascii: bytes.length === text.length };
    if (headerOpenings.size < MAX_HEADER_OPENINGS && name.length <= MAX_CACHED_NAME_LENGTH) headerOpenings.set(name, opening);
  }
  return opening;
}

const text = new JsonTextBuffer();

/**
 * The JSON text of toKafkaTriggerEvent(eventSourceArn, bootstrapServers, records.map(toKafkaTriggerRecord(topic, partition, _)))
 * for one partition's records, written straight from the consumed records: the same text JSON.stringify
 * makes of that event (same fields in the same order, the same escaping), without building the object
 * graph (a one-key object and a number array per header) only to stringify it. Stringifying each event
 * for its worker was an eighth of the MSK poller thread's CPU in the workflow benchmark's profile.
 * Written as bytes into one buffer and made a string once (JsonTextBuffer): a flat text, which the
 * function's JSON.parse reads without flattening a rope first.
 */
export function kafkaTriggerEventJson(eventSourceArn: string, bootstrapServers: string, topic: string, partition: number, records: readonly ConsumedRecord[]): string {
  text.reset();
  text.raw('{"eventSource":"aws:kafka","eventSourceArn":' + JSON.stringify(eventSourceArn) + ',"bootstrapServers":' + JSON.stringify(bootstrapServers) + ',"records":{');
  if (records.length > 0) {
    text.raw(JSON.stringify(`${topic}-${partition}`) + ':[');
    const recordHeadText = '{"topic":' + JSON.stringify(topic) + ',"partition":' + String(partition) + ',"offset":';
    const recordHead = Buffer.from(recordHeadText, 'utf8');
    const recordHeadAscii = recordHead.length === recordHeadText.length;
    for (let r = 0; r < records.length; r++) {
      const record = records[r];
      if (record === undefined) throw new TypeError(`no record at index ${r}`);
      if (r > 0) text.byte(COMMA);
      text.piece(recordHead, recordHeadAscii);
      text.number(Number(record.offset));
      text.piece(TIMESTAMP, true);
      text.number(Number(record.timestamp));
      text.piece(KEY, true);
      text.base64(record.key);
      text.piece(VALUE, true);
      text.base64(record.value);
      text.piece(HEADERS, true);
      const headers = record.headers;
      for (let h = 0; h < headers.length; h++) {
        const header = headers[h];
        if (h > 0) text.byte(COMMA);
        if (header === undefined) {
          text.raw('null');
          continue;
        }
        const opening = headerOpening(header[0]);
        text.piece(opening.bytes, opening.ascii);
        text.signedBytes(header[1]);
        text.byte(CLOSE_OBJECT);
      }
      text.piece(RECORD_END, true);
    }
    text.raw(']');
  }
  text.raw('}}');
  return text.toText();
}
