import type { RedisOp } from './RedisOp';

/** What applyOnceScript applies per event: its mark (id and digest) and its writes. */
export interface PayloadEntry {
  eventId: string;
  digest: string;
  ops: readonly RedisOp[];
}

/**
 * A touch's op header; a command's is its argument count plus one, so no count can be taken for it.
 * applyOnceScript reads the same values (TOUCH_OP there).
 */
const TOUCH_OP = 0;

/** Bytes a UTF-16 code unit can take in UTF-8 (a lone surrogate becomes U+FFFD, 3 bytes; a pair, 4 for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

/**
 * Writes length-prefixed strings and counts into one Buffer, growing it as needed. Each string is its
 * UTF-8 byte length (4 bytes, big-endian) then its bytes, exactly the bytes ioredis would have sent as
 * an argument of its own, so a field can hold any character, separators and NUL included: the script
 * reads it by its length (struct's `c0`), never by looking for a delimiter.
 */
class PayloadWriter {
  private buffer: Buffer;
  private used = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  count(value: number): void {
    this.reserve(4);
    this.buffer.writeUInt32BE(value, this.used);
    this.used += 4;
  }

  text(value: string): void {
    const units = value.length;
    this.reserve(4 + MAX_UTF8_PER_UNIT * units);
    const buffer = this.buffer;
    const start = this.used + 4;
    // Ids, digests, key names and numbers are ASCII: copied unit by unit, which costs less than a call
    // into the encoder for strings this short. The first other unit hands the rest to the encoder.
    let i = 0;
    for (; i < units; i++) {
      const unit = value.charCodeAt(i);
      if (unit >= 0x80) break;
      buffer[start + i] = unit;
    }
    const bytes = i === units ? units : i + buffer.write(value.slice(i), start + i, 'utf8');
    buffer.writeUInt32BE(bytes, this.used);
    this.used = start + bytes;
  }

  /** The bytes written, without a copy. */
  done(): Buffer {
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
 * A batch's entries as applyOnceScript's one payload argument: per entry its id, its digest, its number
 * of ops, and per op a header (a command's argument count plus one, or TOUCH_OP) followed by the
 * command's arguments or the touch's key, field, value, at and ttlField. Every string is length-prefixed.
 *
 * One argument instead of about eight per record: each argument costs ioredis a byte-length count and
 * a write, and Redis a RESP parse, an object and a Lua string before the script starts (measured: a
 * batch of 500 ZINCRBY records as 4,000 arguments took 1.5 ms to reach a script that returns at once,
 * as one 60 KB argument 0.4 ms); the script reads the fields with struct.unpack, one call per entry
 * header and per op.
 */
export function applyOncePayload(entries: readonly PayloadEntry[]): Buffer {
  const writer = new PayloadWriter(256 + entries.length * 160);
  for (const entry of entries) {
    writer.text(entry.eventId);
    writer.text(entry.digest);
    writer.count(entry.ops.length);
    for (const op of entry.ops) {
      if (op.kind === 'command') {
        writer.count(op.args.length + 1);
        for (const arg of op.args) writer.text(arg);
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
  return writer.done();
}
