import type { ConsumeMessage } from 'amqplib';
import { toSignedBytes } from './signedBytes';
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
