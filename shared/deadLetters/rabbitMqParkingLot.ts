import type { DeadLetterPublisher } from '../middleware/batch/deadLetters';
import type { RejectedRecord } from '../middleware/batch/RecordBatch';
import { publishConfirmed, type OutgoingAmqpMessage } from '../publishing/publishToRabbitMq';
import { PARKING_LOT_EXCHANGE, parkingLotOf } from '../routes/workflow';
import { decodeBase64 } from '../triggers/kafka/decodeBase64';
import { attemptOf, decodeRabbitMqHeaders } from '../triggers/rabbitmq/decodeRabbitMqHeaders';
import type { RabbitMqSource } from '../triggers/rabbitmq/RabbitMqTriggerEvent';

/**
 * The parking-lot message of a rejected workflow message: its body and properties untouched, with
 * headers saying why, where and by whom it was parked, and on which attempt. Nothing consumes a parking
 * lot: an operator reads it, fixes the cause, and moves messages back.
 */
export function toParkingLotMessage(rejected: RejectedRecord<RabbitMqSource>, consumer: string, now = new Date()): OutgoingAmqpMessage {
  const { message, queue } = rejected.source;
  // The refused message as it came: it may be the very thing that was malformed, so nothing in it is taken on trust.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- see above
  const properties = message.basicProperties ?? {};
  let content: Buffer;
  try {
    content = decodeBase64('data', message.data) ?? Buffer.alloc(0);
  } catch {
    content = Buffer.from(String(message.data as unknown));
  }
  const headers = decodeRabbitMqHeaders(properties.headers);
  return {
    exchange: PARKING_LOT_EXCHANGE,
    routingKey: parkingLotOf(queue),
    content,
    options: {
      persistent: true,
      contentType: properties.contentType ?? 'application/json',
      ...(properties.contentEncoding ? { contentEncoding: properties.contentEncoding } : {}),
      ...(properties.appId ? { appId: properties.appId } : {}),
      ...(typeof properties.priority === 'number' ? { priority: properties.priority } : {}),
      ...(properties.messageId ? { messageId: properties.messageId } : {}),
      ...(properties.type ? { type: properties.type } : {}),
      ...(properties.correlationId ? { correlationId: properties.correlationId } : {}),
      headers: {
        ...headers,
        attempt: attemptOf(headers),
        'x-triplane-reason': rejected.reason.slice(0, 2000),
        'x-triplane-stage': rejected.stage,
        'x-triplane-consumer': consumer,
        'x-triplane-queue': queue,
        'x-triplane-redelivered': (message.redelivered as boolean | undefined) === true,
        'x-triplane-parked-at': now.toISOString(),
      },
    },
  };
}

export function rabbitMqParkingLot(consumer: string): DeadLetterPublisher<RabbitMqSource> {
  return (rejected) => publishConfirmed(rejected.map((r) => toParkingLotMessage(r, consumer)));
}
