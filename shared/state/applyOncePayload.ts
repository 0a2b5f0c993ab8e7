import type { RedisOp } from './RedisOp';

/** What applyOnceScript applies per event: its mark (id and digest) and its writes. */
export interface PayloadEntry {
  eventId: string;
  digest: string;
  ops: readonly RedisOp[];
}

/**
 * An op's header: a command's argument count plus one, or TOUCH_OP for a touch, so no count can be
 * taken for a touch; minus (the count plus one) for a command whose name and key repeat an earlier
 * op's (then the position of that op's name in the array follows, then its other arguments).
 * applyOnceScript reads the same values.
 */
const TOUCH_OP = 0;

/** Bytes a UTF-16 code unit can take in UTF-8 (a lone surrogate becomes U+FFFD, 3 bytes; a pair, 4 for 2 units). */
const MAX_UTF8_PER_UNIT = 3;
/** The largest MessagePack header of a string or an array (type byte and a 32-bit length). */
const MAX_HEADER = 5;

/** MessagePack's header size for a string of `bytes` bytes (fixstr, str 8, str 16, str 32). */
const stringHeaderSize = (bytes: number): number => (bytes < 32 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5);

/** What the encoding loop writes through: PayloadWriter, or AsciiPayloadWriter when it can. */
interface ItemWriter {
  readonly nextPosition: number;
  count(value: number): void;
  negative(value: number): void;
  text(value: string): void;
}

/** The one-character strings of the bytes 0-255, so a header is a table read, not a String.fromCharCode call. */
const BYTE = Array.from({ length: 256 }, (_, byte) => String.fromCharCode(byte));
const byteOf = (value: number): string => BYTE[value & 0xff] ?? '';

/**
 * The same MessagePack array as PayloadWriter, built as one JavaScript string of one character per
 * byte and turned into bytes by one `latin1` Buffer.from at the end, for the batches whose strings
 * are all ASCII (ids, digests, keys, numbers: nearly every batch). PayloadWriter makes one native
 * Buffer#write call per string, about 0.08 us each, which was most of its time (a batch of 500
 * ZINCRBY records: 0.16 -> 0.07 ms, the bytes identical). A string is written with its UTF-16 length
 * as its byte length, which is only right for ASCII, so done() checks: every character above 0x7f that
 * a string brought in takes one more byte in UTF-8 than in Latin-1, so the UTF-8 length of the whole
 * text equals its length plus the headers' own bytes above 0x7f exactly when every string was ASCII;
 * otherwise it answers undefined and the batch is written again by PayloadWriter.
 */
class AsciiPayloadWriter implements ItemWriter {
  private body = '';
  private items = 0;
  /** Characters above 0x7f that this writer itself put in (headers, integers). */
  private high = 0;

  get nextPosition(): number {
    return this.items + 1;
  }

  count(value: number): void {
    if (value < 0x80) this.body += byteOf(value);
    else if (value < 0x10000) this.body += this.bytes(0xcd, value >>> 8, value);
    else this.body += this.bytes(0xce, value >>> 24, value >>> 16, value >>> 8, value);
    this.items++;
  }

  negative(value: number): void {
    if (value >= -32) {
      // 0xe0-0xff: one byte above 0x7f.
      this.body += byteOf(value);
      this.high++;
    } else if (value >= -0x8000) this.body += this.bytes(0xd1, value >> 8, value);
    else this.body += this.bytes(0xd2, value >> 24, value >> 16, value >> 8, value);
    this.items++;
  }

  text(value: string): void {
    // Every batch passes here first. Not a string (an event's JSON field that is not what its type says),
    // its length is undefined or not its text's, and the array would be written with items that shift:
    // refused, as PayloadWriter's Buffer#write refuses it.
    if (typeof value !== 'string') throw new TypeError(`a Redis op's argument is a ${typeof value}, not a string`);
    const length = value.length;
    if (length < 32) {
      this.body += byteOf(0xa0 | length) + value;
      this.high++;
    } else if (length < 0x100) this.body += this.bytes(0xd9, length) + value;
    else if (length < 0x10000) this.body += this.bytes(0xda, length >>> 8, length) + value;
    else this.body += this.bytes(0xdb, length >>> 24, length >>> 16, length >>> 8, length) + value;
    this.items++;
  }

  /** The array, or undefined when a string was not ASCII (see the class comment). */
  done(): Buffer | undefined {
    const text = this.bytes(0xdd, this.items >>> 24, this.items >>> 16, this.items >>> 8, this.items) + this.body;
    if (Buffer.byteLength(text, 'utf8') !== text.length + this.high) return undefined;
    return Buffer.from(text, 'latin1');
  }

  /** The bytes as characters, counting those above 0x7f. */
  private bytes(...values: number[]): string {
    let out = '';
    for (const value of values) {
      const byte = value & 0xff;
      if (byte > 0x7f) this.high++;
      out += byteOf(byte);
    }
    return out;
  }
}

/**
 * Writes a MessagePack array of strings and small counts into one Buffer, growing it as needed
 * (https://github.com/msgpack/msgpack/blob/master/spec.md). Each string is a header holding its UTF-8
 * byte length, then its bytes, exactly the bytes ioredis would have sent as an argument of its own, so
 * a string can hold any character, MessagePack's own type bytes, NUL and separators included: the
 * decoder reads it by its length, never by looking for a delimiter.
 */
class PayloadWriter implements ItemWriter {
  private buffer: Buffer;
  private used = MAX_HEADER;
  private items = 0;

  /** Where the next item will sit in the array the script decodes (Lua counts from 1). */
  get nextPosition(): number {
    return this.items + 1;
  }

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacity, MAX_HEADER));
  }

  count(value: number): void {
    this.reserve(MAX_HEADER);
    const buffer = this.buffer;
    if (value < 0x80) buffer[this.used++] = value;
    else if (value < 0x10000) {
      buffer[this.used] = 0xcd;
      buffer.writeUInt16BE(value, this.used + 1);
      this.used += 3;
    } else {
      buffer[this.used] = 0xce;
      buffer.writeUInt32BE(value, this.used + 1);
      this.used += 5;
    }
    this.items++;
  }

  /** A negative integer (negative fixint, int 16, int 32). */
  negative(value: number): void {
    this.reserve(MAX_HEADER);
    const buffer = this.buffer;
    if (value >= -32) buffer[this.used++] = value & 0xff;
    else if (value >= -0x8000) {
      buffer[this.used] = 0xd1;
      buffer.writeInt16BE(value, this.used + 1);
      this.used += 3;
    } else {
      buffer[this.used] = 0xd2;
      buffer.writeInt32BE(value, this.used + 1);
      this.used += 5;
    }
    this.items++;
  }

  text(value: string): void {
    const units = value.length;
    this.reserve(MAX_HEADER + MAX_UTF8_PER_UNIT * units);
    const buffer = this.buffer;
    // Written by the encoder where an ASCII string's header ends (one byte per unit, the usual case);
    // when its bytes need a wider header than its units, moved up. A copy loop in JavaScript measured
    // six times slower than this call once ioredis is loaded (0.34 -> 2.0 ms per 4,000 strings).
    let header = stringHeaderSize(units);
    const bytes = buffer.write(value, this.used + header, 'utf8');
    if (stringHeaderSize(bytes) !== header) {
      const wider = stringHeaderSize(bytes);
      buffer.copyWithin(this.used + wider, this.used + header, this.used + header + bytes);
      header = wider;
    }
    const at = this.used;
    if (header === 1) buffer[at] = 0xa0 | bytes;
    else if (header === 2) {
      buffer[at] = 0xd9;
      buffer[at + 1] = bytes;
    } else if (header === 3) {
      buffer[at] = 0xda;
      buffer.writeUInt16BE(bytes, at + 1);
    } else {
      buffer[at] = 0xdb;
      buffer.writeUInt32BE(bytes, at + 1);
    }
    this.used = at + header + bytes;
    this.items++;
  }

  /** The array (an `array 32` header in front of its items), without a copy. */
  done(): Buffer {
    this.buffer[0] = 0xdd;
    this.buffer.writeUInt32BE(this.items, 1);
    return this.buffer.subarray(0, this.used);
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

/**
 * A batch's entries as applyOnceScript's one payload argument: a MessagePack array that Redis's Lua
 * decodes with cmsgpack.unpack in one C call. Its items are what the script's arguments used to be:
 * per entry its id, its digest and its number of ops, and per op its header followed by the command's
 * arguments or the touch's key, field, value, at and ttlField. Counts and headers are MessagePack
 * integers, everything else a string.
 *
 * A command whose name and key an earlier op of the batch already wrote (500 ZINCRBY on one board)
 * refers back to them instead of repeating them: cmsgpack made each of those strings again, 0.12 ms of
 * Redis per 500 such records (decoding 0.28 -> 0.16 ms, minimum of 40), and the script calls
 * redis.pcall(name, key, unpack(...)) either way, with no loop per argument.
 *
 * One argument instead of about eight per record: each argument cost ioredis a byte-length count and
 * a write, and Redis a RESP parse and an object before the script starts, while cmsgpack makes the same
 * Lua strings Redis made from the arguments. Measured on batches of 500 ZINCRBY records, back to back
 * in one process: the script call 4.6 -> 3.6 ms (median), its time inside Redis unchanged (2.7 ms).
 */
export function applyOncePayload(entries: readonly PayloadEntry[]): Buffer {
  const ascii = new AsciiPayloadWriter();
  writeEntries(ascii, entries);
  const fast = ascii.done();
  if (fast !== undefined) return fast;
  const writer = new PayloadWriter(64 + entries.length * 160);
  writeEntries(writer, entries);
  return writer.done();
}

function writeEntries(writer: ItemWriter, entries: readonly PayloadEntry[]): void {
  /** Where each command name and key was first written in full: the position of its name in the array. */
  const named = new Map<string, Map<string, number>>();
  for (const entry of entries) {
    writer.text(entry.eventId);
    writer.text(entry.digest);
    writer.count(entry.ops.length);
    for (const op of entry.ops) {
      if (op.kind === 'command') {
        const [name, key] = op.args;
        let byKey: Map<string, number> | undefined;
        if (name !== undefined && key !== undefined) {
          byKey = named.get(name);
          if (byKey === undefined) named.set(name, (byKey = new Map<string, number>()));
        }
        const earlier = key === undefined ? undefined : byKey?.get(key);
        if (earlier !== undefined) {
          writer.negative(-(op.args.length + 1));
          writer.count(earlier);
          for (let i = 2; i < op.args.length; i++) writer.text(op.args[i] ?? '');
        } else {
          writer.count(op.args.length + 1);
          if (key !== undefined) byKey?.set(key, writer.nextPosition);
          for (const arg of op.args) writer.text(arg);
        }
      } else {
        writer.count(TOUCH_OP);
        writer.text(op.key);
        writer.text(op.field);
        writer.text(op.value);
        writer.text(String(op.at));
        writer.text(op.ttlField);
      }
    }
  }
}
