import type { MiddlewareObj } from '@middy/core';
import { parseEnvelope } from '../../envelope/parseEnvelope';
import { decodeBase64 } from '../../triggers/kafka/decodeBase64';
import type { RabbitMqSource, RabbitMqTriggerEvent } from '../../triggers/rabbitmq/RabbitMqTriggerEvent';
import { hopHeaderMismatch, rabbitMqHopHeader } from './hopHeaderMismatch';
import { RecordBatch, type BatchContext } from './RecordBatch';

/** `payment.authorize::/` -> queue `payment.authorize`, vhost `/`. */
export function splitQueueKey(key: string): { queue: string; vhost: string } {
  const cut = key.lastIndexOf('::');
  return cut < 0 ? { queue: key, vhost: '/' } : { queue: key.slice(0, cut), vhost: key.slice(cut + 2) };
}

/**
 * Decodes an `aws:rmq` event into a RecordBatch: each message's base64 body, then its envelope. A
 * message that fails is rejected with the reason (it goes to the parking lot) instead of failing the
 * invocation, which would redeliver the whole batch until the delivery limit.
 */
export function rabbitMqRecordBatch(): MiddlewareObj<RabbitMqTriggerEvent, unknown, Error, BatchContext<RabbitMqSource>> {
  const rabbitMqRecordBatchBefore = (request: { event: RabbitMqTriggerEvent; context: BatchContext<RabbitMqSource> }) => {
    const batch = new RecordBatch<RabbitMqSource>();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event AWS did not send may lack its messages; it is then an empty batch
    for (const [key, messages] of Object.entries(request.event.rmqMessagesByQueue ?? {})) {
      const { queue, vhost } = splitQueueKey(key);
      for (const message of messages) {
        batch.received++;
        const source = { queue, vhost, message };
        try {
          const body = decodeBase64('data', message.data);
          if (body === null) throw new Error('data: missing');
          const envelope = parseEnvelope(body.toString('utf8'));
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a message not sent by AWS may lack basicProperties
          const mismatch = hopHeaderMismatch(rabbitMqHopHeader(message.basicProperties?.headers), envelope.hops);
          if (mismatch !== undefined) throw new Error(mismatch);
          batch.accepted.push({ envelope, source });
        } catch (error) {
          batch.reject(source, (error as Error).message, 'decode');
        }
      }
    }
    request.context.batch = batch;
  };
  return { before: rabbitMqRecordBatchBefore };
}
