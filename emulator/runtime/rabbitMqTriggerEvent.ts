import type { ConsumeMessage } from 'amqplib';
import { toSignedBytes } from './signedBytes';
import { JsonTextBuffer } from './jsonTextBuffer';
import type { RabbitMqHeaderValue, RabbitMqTriggerEvent, RabbitMqTriggerMessage } from '../../shared/triggers/rabbitmq/RabbitMqTriggerEvent';

/** Header values as the Amazon MQ event source mapping serialises them: text as `{bytes}`, numbers as numbers. */
export function toRabbitMqHeaderValue(value: unknown): RabbitMqHeaderValue {
  if (typeof value === 'string') return { bytes: toSignedBytes(Buffer.from(value, 'utf8')) };
  if (Buffer.isBuffer(value)) return { bytes: toSignedBytes(value) };
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map(toRabbitMqHeaderValue);
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toRabbitMqHeaderValue(v)]));
  // Left: bigint and symbol, which have no object form to fall into.
  return typeof value === 'bigint' || typeof value === 'symbol' ? value.toString() : null;
}

/** Java's medium date format in UTC, as in AWS's samples: "Jan 1, 1970, 12:33:41 AM". */
// Made once: building an Intl.DateTimeFormat per message was 5.5% of the workflow benchmark's CPU profile.
const RABBITMQ_TIMESTAMP_FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
  hour12: true,
});

// The last second formatted: a batch's messages were mostly published within the same second, and
// formatting was still 1.6% of the runtime main thread's CPU profile in the workflow benchmark.
let lastFormatted: { seconds: number; text: string } | undefined;

export function formatRabbitMqTimestamp(seconds: number | undefined): string | null {
  if (seconds === undefined || !Number.isFinite(seconds)) return null;
  if (lastFormatted?.seconds === seconds) return lastFormatted.text;
  const text = RABBITMQ_TIMESTAMP_FORMAT.format(new Date(seconds * 1000)).replace(/\u202f/g, ' ');
  lastFormatted = { seconds, text };
  return text;
}

/** amqplib types most message properties as any; these are the types AMQP 0-9-1 gives them. */
type AmqpProperties = Partial<Record<'contentType' | 'contentEncoding' | 'correlationId' | 'replyTo' | 'expiration' | 'messageId' | 'type' | 'userId' | 'appId' | 'clusterId', string>> & {
  headers?: Record<string, unknown>;
  deliveryMode?: number;
  priority?: number;
  timestamp?: number;
};

export function toRabbitMqTriggerMessage(message: ConsumeMessage): RabbitMqTriggerMessage {
  const p: AmqpProperties = message.properties;
  return {
    basicProperties: {
      contentType: p.contentType ?? null,
      contentEncoding: p.contentEncoding ?? null,
      headers: Object.fromEntries(Object.entries(p.headers ?? {}).map(([k, v]) => [k, toRabbitMqHeaderValue(v)])),
      deliveryMode: p.deliveryMode ?? null,
      priority: p.priority ?? null,
      correlationId: p.correlationId ?? null,
      replyTo: p.replyTo ?? null,
      expiration: p.expiration ?? null,
      messageId: p.messageId ?? null,
      timestamp: formatRabbitMqTimestamp(p.timestamp),
      type: p.type ?? null,
      userId: p.userId ?? null,
      appId: p.appId ?? null,
      clusterId: p.clusterId ?? null,
      bodySize: message.content.length,
    },
    redelivered: message.fields.redelivered,
    data: message.content.toString('base64'),
  };
}

/** The `aws:rmq` event of one batch: messages keyed `<queue>::<vhost>`. */
export function toRabbitMqTriggerEvent(eventSourceArn: string, queue: string, vhost: string, messages: ConsumeMessage[]): RabbitMqTriggerEvent {
  return { eventSource: 'aws:rmq', eventSourceArn, rmqMessagesByQueue: { [`${queue}::${vhost}`]: messages.map(toRabbitMqTriggerMessage) } };
}

const text = new JsonTextBuffer();
const BYTES_OPENING = Buffer.from('{"bytes":', 'latin1');
const CLOSE_OBJECT = 125;
const COMMA = 44;
/** A property's value as JSON: what `value ?? null` in toRabbitMqTriggerMessage gives JSON.stringify. */
const propertyJson = (value: unknown): string => JSON.stringify(value ?? null);

/** A header value's JSON: the common kinds (text, bytes, numbers) written directly, the rest as JSON.stringify of toRabbitMqHeaderValue. */
function writeHeaderValue(value: unknown): void {
  if (typeof value === 'string') {
    text.piece(BYTES_OPENING, true);
    text.signedBytes(Buffer.from(value, 'utf8'));
    text.byte(CLOSE_OBJECT);
  } else if (Buffer.isBuffer(value)) {
    text.piece(BYTES_OPENING, true);
    text.signedBytes(value);
    text.byte(CLOSE_OBJECT);
  } else if (typeof value === 'number') text.number(value);
  else text.raw(JSON.stringify(toRabbitMqHeaderValue(value)));
}

/**
 * The JSON text of toRabbitMqTriggerEvent(eventSourceArn, queue, vhost, messages), written straight from
 * the deliveries into one buffer (JsonTextBuffer), as the MSK mapping writes its events: the same text
 * JSON.stringify makes of that event (same fields in the same order, the same escaping), without the
 * object graph per message (its properties, a header object, a number array per text header). Stringifying
 * each `aws:rmq` event was 9% of the runtime main thread's CPU profile in the workflow benchmark.
 */
export function rabbitMqTriggerEventJson(eventSourceArn: string, queue: string, vhost: string, messages: readonly ConsumeMessage[]): string {
  text.reset();
  text.raw('{"eventSource":"aws:rmq","eventSourceArn":' + JSON.stringify(eventSourceArn) + ',"rmqMessagesByQueue":{' + JSON.stringify(`${queue}::${vhost}`) + ':[');
  for (let m = 0; m < messages.length; m++) {
    const message = messages[m];
    if (message === undefined) throw new TypeError(`no message at index ${m}`);
    const p: AmqpProperties = message.properties;
    if (m > 0) text.byte(COMMA);
    text.raw('{"basicProperties":{"contentType":' + propertyJson(p.contentType) + ',"contentEncoding":' + propertyJson(p.contentEncoding) + ',"headers":{');
    // Object.keys visits own keys in the order Object.entries (and so Object.fromEntries and JSON.stringify) does.
    const headers = p.headers ?? {};
    const names = Object.keys(headers);
    for (let h = 0; h < names.length; h++) {
      const name = names[h] ?? '';
      if (h > 0) text.byte(COMMA);
      text.raw(JSON.stringify(name) + ':');
      writeHeaderValue(headers[name]);
    }
    text.raw(
      '},"deliveryMode":' +
        propertyJson(p.deliveryMode) +
        ',"priority":' +
        propertyJson(p.priority) +
        ',"correlationId":' +
        propertyJson(p.correlationId) +
        ',"replyTo":' +
        propertyJson(p.replyTo) +
        ',"expiration":' +
        propertyJson(p.expiration) +
        ',"messageId":' +
        propertyJson(p.messageId) +
        ',"timestamp":' +
        propertyJson(formatRabbitMqTimestamp(p.timestamp)) +
        ',"type":' +
        propertyJson(p.type) +
        ',"userId":' +
        propertyJson(p.userId) +
        ',"appId":' +
        propertyJson(p.appId) +
        ',"clusterId":' +
        propertyJson(p.clusterId) +
        ',"bodySize":' +
        String(message.content.length) +
        '},"redelivered":' +
        String(message.fields.redelivered) +
        ',"data":',
    );
    text.base64(message.content);
    text.byte(CLOSE_OBJECT);
  }
  text.raw(']}}');
  return text.toText();
}
