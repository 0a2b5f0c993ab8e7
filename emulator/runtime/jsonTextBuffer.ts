const QUOTE = 34;
const COMMA = 44;
const OPEN_LIST = 91;
const CLOSE_LIST = 93;
/** The JSON text of each signed byte value, by unsigned byte, as bytes: a header's byte list is written by lookup. */
const SIGNED_BYTE_TEXT: readonly Buffer[] = Array.from({ length: 256 }, (_, b) => Buffer.from(String((b << 24) >> 24), 'latin1'));
/** Kept between texts up to this size (an invocation of 500 small records is about 400 KB); a larger one is let go when the next text starts. */
const KEPT_BYTES = 1024 * 1024;

/**
 * Writes a JSON text as bytes into one buffer kept between texts, and makes the text once at the end:
 * a flat string, read by JSON.parse as it is. Built with `+=`, the MSK event's text of 500 records was
 * a rope of about 50,000 pieces (one per header byte, per field), which JSON.parse flattened first and
 * the collector then swept: writing and parsing cost 1.6x the bytes' way (measured; DESIGN.md's event
 * shape is unchanged, only how its text is made). One text at a time: a caller writes the whole text
 * in one synchronous run (toText), so texts cannot interleave.
 */
export class JsonTextBuffer {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private length = 0;
  /** Whether every byte written so far is ASCII, so the text can be read as Latin-1 (one byte, one character). */
  private ascii = true;

  /** Starts a new text, dropping what was written. */
  reset(): void {
    if (this.bytes.length > KEPT_BYTES) this.bytes = Buffer.allocUnsafe(KEPT_BYTES);
    this.length = 0;
    this.ascii = true;
  }

  /** Room for `more` bytes after those written. */
  private reserve(more: number): Buffer {
    const needed = this.length + more;
    if (needed > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < needed) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    return this.bytes;
  }

  /** Text already in JSON form (a JSON.stringify result, punctuation), in UTF-8. */
  raw(text: string): void {
    const bytes = this.reserve(text.length * 3);
    const written = bytes.write(text, this.length, 'utf8');
    if (written !== text.length) this.ascii = false;
    this.length += written;
  }

  /** Bytes already in JSON form as UTF-8 (a piece made once and written many times); `ascii` says whether they all are. */
  piece(piece: Uint8Array, ascii: boolean): void {
    const bytes = this.reserve(piece.length);
    let at = this.length;
    // A loop, not Buffer#copy: the pieces are a few bytes, where the native call costs more than the copy.
    for (let i = 0; i < piece.length; i++) bytes[at++] = piece[i] ?? 0;
    this.length = at;
    if (!ascii) this.ascii = false;
  }

  byte(code: number): void {
    this.reserve(1)[this.length++] = code;
  }

  /** A number as JSON.stringify writes it (null when not finite). */
  number(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      this.raw(Number.isFinite(value) ? String(value) : 'null');
      return;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    const bytes = this.reserve(digits);
    let at = this.length + digits;
    let rest = value;
    do {
      bytes[--at] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    this.length += digits;
  }

  /** The bytes as a JSON string of their standard, padded base64 (what Buffer#toString('base64') gives), or null. */
  base64(value: Buffer | null): void {
    if (value === null) {
      this.raw('null');
      return;
    }
    // Node's encoder (simdutf) and a copy of its text: twice as fast as encoding in a loop here (measured),
    // and the string it makes dies young. Base64 is ASCII, so Latin-1 writes it byte for byte.
    const text = value.toString('base64');
    const bytes = this.reserve(text.length + 2);
    let at = this.length;
    bytes[at++] = QUOTE;
    at += bytes.write(text, at, 'latin1');
    bytes[at++] = QUOTE;
    this.length = at;
  }

  /** The bytes as a JSON list of Java's signed bytes (`[104,-1]`), as Lambda writes Kafka header values. */
  signedBytes(value: Buffer): void {
    // At most 4 characters and a comma a byte.
    const bytes = this.reserve(value.length * 5 + 2);
    let at = this.length;
    bytes[at++] = OPEN_LIST;
    for (let i = 0; i < value.length; i++) {
      if (i > 0) bytes[at++] = COMMA;
      const text = SIGNED_BYTE_TEXT[value[i] ?? 0] ?? SIGNED_BYTE_TEXT[0];
      if (text !== undefined) for (let k = 0; k < text.length; k++) bytes[at++] = text[k] ?? 0;
    }
    bytes[at++] = CLOSE_LIST;
    this.length = at;
  }

  /** The text written since reset: one flat string. */
  toText(): string {
    // Latin-1 reads each byte as one character, exact for ASCII and cheaper than decoding UTF-8.
    return this.ascii ? this.bytes.toString('latin1', 0, this.length) : this.bytes.toString('utf8', 0, this.length);
  }
}
