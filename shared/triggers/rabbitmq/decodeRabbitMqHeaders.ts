import type { RabbitMqHeaderValue } from './RabbitMqTriggerEvent';

export type DecodedHeaderValue = string | number | boolean | null | DecodedHeaderValue[] | { [key: string]: DecodedHeaderValue };

const isBytes = (value: unknown): value is { bytes: unknown[] } =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && Array.isArray((value as { bytes?: unknown }).bytes);

/** One header value with its `{bytes}` strings turned back into text (bytes may be signed, as Java's). */
export function decodeRabbitMqHeaderValue(value: RabbitMqHeaderValue | undefined): DecodedHeaderValue {
  if (value === undefined) return null;
  // The bytes are whatever the wire sent, not what the type says: Number() reads a byte sent as text ("65") as one.
  if (isBytes(value)) return Buffer.from((value.bytes as unknown[]).map((b) => Number(b) & 0xff)).toString('utf8');
  if (Array.isArray(value)) return value.map(decodeRabbitMqHeaderValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeRabbitMqHeaderValue(v)]));
  }
  return value;
}

export function decodeRabbitMqHeaders(headers: Record<string, RabbitMqHeaderValue> | null | undefined): Record<string, DecodedHeaderValue> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, decodeRabbitMqHeaderValue(v)]));
}

/** The delivery attempt a message is on (1 when it never went through a retry queue). */
export function attemptOf(headers: Record<string, DecodedHeaderValue>): number {
  const attempt = Number(headers.attempt ?? 1);
  return Number.isInteger(attempt) && attempt >= 1 ? attempt : 1;
}
