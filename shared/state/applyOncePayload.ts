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

/**
 * Consecutive entries whose one op is a command of the same name, key and argument count (500
 * score.recorded on one board: 500 ZINCRBY) go as a run: its length first (an integer where an entry
 * starts with its id, a string, so the script tells them apart by type), then the argument count, the
 * name and the key once, then per entry only its id, its digest and the command's other arguments: 4
 * items a record instead of 7 for a ZINCRBY. Two entries already take fewer items as a run.
 */
const MIN_RUN = 2;

/** The one-character strings of the bytes 0-255, so a header is a table read, not a String.fromCharCode call. */
const BYTE = Array.from({ length: 256 }, (_, byte) => String.fromCharCode(byte));
const byteOf = (value: number): string => BYTE[value & 0xff] ?? '';

/**
 * Writes a MessagePack array of strings and small counts (https://github.com/msgpack/msgpack/blob/master/spec.md)
 * as one JavaScript string of one character per byte, turned into bytes by one `latin1` Buffer.from at
 * the end. Each string is a header holding its UTF-8 byte length, then its bytes, exactly the bytes
 * ioredis would have sent as an argument of its own, so a string can hold any character, MessagePack's
 * own type bytes, NUL and separators included: the decoder reads it by its length, never by looking for
 * a delimiter.
 *
 * Two modes. `ascii` (nearly every batch: ids, digests, keys, numbers) appends each string as it is,
 * its UTF-16 length taken as its byte length: one native Buffer#write per string was most of a
 * byte-by-byte writer's time (a batch of 500 ZINCRBY records: 0.16 -> 0.07 ms, the bytes identical).
 * That is only right for ASCII, so done() checks: every character above 0x7f that a string brought in
 * takes one more byte in UTF-8 than in Latin-1, so the UTF-8 length of the whole text equals its length
 * plus the headers' own bytes above 0x7f exactly when every string was ASCII; otherwise it answers
 * undefined, and the batch is written again in `utf8` mode, each string first made into its UTF-8 bytes.
 */
class PayloadWriter {
  private body = '';
  private items = 0;
  /** Characters above 0x7f that this writer itself put in (headers, integers). */
  private high = 0;

  constructor(private readonly mode: 'ascii' | 'utf8') {}

  /** Where the next item will sit in the array the script decodes (Lua counts from 1). */
  get nextPosition(): number {
    return this.items + 1;
  }

  count(value: number): void {
    if (value < 0x80) this.body += byteOf(value);
    else if (value < 0x10000) this.body += this.bytes(0xcd, value >>> 8, value);
    else this.body += this.bytes(0xce, value >>> 24, value >>> 16, value >>> 8, value);
    this.items++;
  }

  /** A negative integer (negative fixint, int 16, int 32). */
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
    // Not a string (an event's JSON field that is not what its type says), its length is undefined or
    // not its text's, and the array would be written with items that shift: refused.
    if (typeof value !== 'string') throw new TypeError(`a Redis op's argument is a ${typeof value}, not a string`);
    // In utf8 mode a lone surrogate becomes U+FFFD's three bytes, as ioredis would have sent it.
    const bytes = this.mode === 'ascii' ? value : Buffer.from(value, 'utf8').toString('latin1');
    const length = bytes.length;
    if (length < 32) {
      this.body += byteOf(0xa0 | length) + bytes;
      this.high++;
    } else if (length < 0x100) this.body += this.bytes(0xd9, length) + bytes;
    else if (length < 0x10000) this.body += this.bytes(0xda, length >>> 8, length) + bytes;
    else this.body += this.bytes(0xdb, length >>> 24, length >>> 16, length >>> 8, length) + bytes;
    this.items++;
  }

  /** The array (an `array 32` header in front of its items), or undefined in ascii mode when a string was not ASCII. */
  done(): Buffer | undefined {
    const text = this.bytes(0xdd, this.items >>> 24, this.items >>> 16, this.items >>> 8, this.items) + this.body;
    if (this.mode === 'ascii' && Buffer.byteLength(text, 'utf8') !== text.length + this.high) return undefined;
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
  const ascii = new PayloadWriter('ascii');
  writeEntries(ascii, entries);
  const payload = ascii.done();
  if (payload !== undefined) return payload;
  const utf8 = new PayloadWriter('utf8');
  writeEntries(utf8, entries);
  const written = utf8.done();
  if (written === undefined) throw new Error('a utf8 payload is always written');
  return written;
}

/** Where each command name and key was first written in full: the position of its name in the array. */
type NamedPositions = Map<string, Map<string, number>>;

function writeEntries(writer: PayloadWriter, entries: readonly PayloadEntry[]): void {
  const named: NamedPositions = new Map();
  let i = 0;
  for (let entry = entries[i]; entry !== undefined; entry = entries[i]) {
    const end = runEnd(entries, i);
    if (end - i >= MIN_RUN) {
      writeRun(writer, entries, i, end, named);
      i = end;
    } else {
      writeEntry(writer, entry, named);
      i++;
    }
  }
}

/** The first position of a name and key, which later ops refer back to. */
function remember(named: NamedPositions, name: string, key: string, position: number): void {
  let byKey = named.get(name);
  if (byKey === undefined) named.set(name, (byKey = new Map<string, number>()));
  if (!byKey.has(key)) byKey.set(key, position);
}

/** The arguments of an entry that may be part of a run: its one op, a command with a name and a key. */
function runArgsOf(entry: PayloadEntry | undefined): readonly string[] | undefined {
  if (entry?.ops.length !== 1) return undefined;
  const [op] = entry.ops;
  return op?.kind === 'command' && op.args.length >= 2 ? op.args : undefined;
}

/** The end (exclusive) of the entries from `start` on whose one command has the first one's name, key and argument count; `start` when that entry cannot be in a run. */
function runEnd(entries: readonly PayloadEntry[], start: number): number {
  const first = runArgsOf(entries[start]);
  if (first === undefined) return start;
  let end = start + 1;
  for (; end < entries.length; end++) {
    const args = runArgsOf(entries[end]);
    if (args?.length !== first.length || args[0] !== first[0] || args[1] !== first[1]) break;
  }
  return end;
}

/** The run of entries [start, end): its length, the command's argument count, name and key once, then per entry its id, digest and other arguments. */
function writeRun(writer: PayloadWriter, entries: readonly PayloadEntry[], start: number, end: number, named: NamedPositions): void {
  const [name = '', key = '', ...others] = runArgsOf(entries[start]) ?? [];
  const nargs = others.length + 2;
  writer.count(end - start);
  writer.count(nargs);
  remember(named, name, key, writer.nextPosition);
  writer.text(name);
  writer.text(key);
  for (let i = start; i < end; i++) {
    const entry = entries[i] as PayloadEntry;
    const args = runArgsOf(entry) ?? [];
    writer.text(entry.eventId);
    writer.text(entry.digest);
    for (let a = 2; a < nargs; a++) writer.text(args[a] ?? '');
  }
}

function writeEntry(writer: PayloadWriter, entry: PayloadEntry, named: NamedPositions): void {
  writer.text(entry.eventId);
  writer.text(entry.digest);
  writer.count(entry.ops.length);
  for (const op of entry.ops) {
    if (op.kind === 'command') {
      const [name, key] = op.args;
      const earlier = name === undefined || key === undefined ? undefined : named.get(name)?.get(key);
      if (earlier !== undefined) {
        writer.negative(-(op.args.length + 1));
        writer.count(earlier);
        for (let i = 2; i < op.args.length; i++) writer.text(op.args[i] ?? '');
      } else {
        writer.count(op.args.length + 1);
        if (name !== undefined && key !== undefined) remember(named, name, key, writer.nextPosition);
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
