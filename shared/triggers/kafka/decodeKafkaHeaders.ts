import { InvalidRecordError } from './InvalidRecordError';

/**
 * Turns Lambda's header list into a map of byte buffers. AWS serialises header bytes as Java's
 * signed bytes, so a non-ASCII character arrives as negative numbers; `& 0xff` restores the byte.
 * A repeated header name keeps its last value, as Kafka clients do when reading a header by name.
 */
export function decodeKafkaHeaders(headers: unknown): Record<string, Buffer> {
  const out: Record<string, Buffer> = Object.create(null) as Record<string, Buffer>;
  if (headers === undefined || headers === null) return out;
  if (!Array.isArray(headers)) throw new InvalidRecordError('headers', 'not a list');
  for (const header of headers as unknown[]) {
    if (header === null || typeof header !== 'object' || Array.isArray(header)) {
      throw new InvalidRecordError('headers', 'each header must be an object of one name');
    }
    for (const [name, bytes] of Object.entries(header)) {
      if (!Array.isArray(bytes)) throw new InvalidRecordError(`headers.${name}`, 'bytes must be a list');
      const buffer = Buffer.allocUnsafe(bytes.length);
      for (let i = 0; i < bytes.length; i++) {
        const byte: unknown = bytes[i];
        if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < -128 || byte > 255) {
          throw new InvalidRecordError(`headers.${name}`, `byte ${i} is not in -128..255`);
        }
        buffer[i] = byte & 0xff;
      }
      out[name] = buffer;
    }
  }
  return out;
}
