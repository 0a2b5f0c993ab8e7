import type { RabbitMqHeaderValue } from '../../triggers/rabbitmq/RabbitMqTriggerEvent';
import { decodeRabbitMqHeaderValue } from '../../triggers/rabbitmq/decodeRabbitMqHeaders';

/**
 * The Kafka `hops` header (Lambda's list of one-name objects of byte arrays) as text, or undefined when
 * the record has none. Only that header is read: building every header's buffer was 5% of the profile.
 */
export function kafkaHopHeader(headers: unknown): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  let found: string | undefined;
  for (const header of headers as unknown[]) {
    if (header === null || typeof header !== 'object' || !Object.prototype.hasOwnProperty.call(header, 'hops')) continue;
    const bytes = (header as { hops: unknown }).hops;
    // A repeated name keeps its last value, as Kafka clients read a header by name (decodeKafkaHeaders).
    if (Array.isArray(bytes)) found = headerText(bytes as unknown[]);
  }
  return found;
}

/**
 * The header's bytes (each read as `Number(b) & 0xff`) as UTF-8 text. A hop count is a few ASCII
 * digits, read straight into a string; anything else goes through a Buffer. The mapped array and
 * Buffer per record were garbage on every record of every batch.
 */
function headerText(bytes: unknown[]): string {
  let text = '';
  for (const byte of bytes) {
    if (typeof byte !== 'number' || !(byte >= 0 && byte < 128) || byte !== Math.floor(byte)) return Buffer.from(bytes.map((b) => Number(b) & 0xff)).toString('utf8');
    text += String.fromCharCode(byte);
  }
  return text;
}

/** The RabbitMQ `x-hops` header as text, or undefined when the message has none. */
export function rabbitMqHopHeader(headers: Record<string, RabbitMqHeaderValue> | null | undefined): string | undefined {
  if (headers === null || headers === undefined || !Object.prototype.hasOwnProperty.call(headers, 'x-hops')) return undefined;
  const value = decodeRabbitMqHeaderValue(headers['x-hops']);
  if (value === null) return undefined;
  // A list or table is no hop count: as JSON it can never equal one (String([5]) would read as '5').
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Why a record whose hop header and envelope disagree is refused, or undefined when they agree (or the
 * header is absent: producers outside triplane may not set it). Tools and guards route on the header
 * without parsing the value, the hop guard reads the value: a record that says 0 in one and 99 in the
 * other would pass one and fool the other, so it is refused as malformed.
 */
export function hopHeaderMismatch(header: string | undefined, hops: number): string | undefined {
  if (header === undefined || header === String(hops)) return undefined;
  return `hop header ${JSON.stringify(header.slice(0, 40))} disagrees with the envelope's hops ${hops}`;
}
