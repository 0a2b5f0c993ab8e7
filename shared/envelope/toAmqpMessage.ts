import type { Options } from 'amqplib';
import type { Envelope } from './envelope';

export interface AmqpMessage {
  content: Buffer;
  options: Options.Publish;
}

/**
 * The RabbitMQ message of an envelope: persistent JSON whose properties carry the id, type and
 * correlation id, with the hop count (`x-hops`) and the delivery attempt (`attempt`) as headers.
 */
export function toAmqpMessage(envelope: Envelope, attempt = 1): AmqpMessage {
  return {
    content: Buffer.from(JSON.stringify(envelope)),
    options: {
      persistent: true,
      contentType: 'application/json',
      messageId: envelope.id,
      type: envelope.type,
      correlationId: envelope.correlationId,
      timestamp: Math.floor(Date.parse(envelope.time) / 1000),
      headers: { 'x-hops': String(envelope.hops), attempt },
    },
  };
}
