import { rabbitMqParkingLot } from '../../deadLetters/rabbitMqParkingLot';
import type { RabbitMqSource, RabbitMqTriggerEvent } from '../../triggers/rabbitmq/RabbitMqTriggerEvent';
import { batchHandler, type BatchWork } from './batchHandler';
import { rabbitMqRecordBatch } from './rabbitMqRecordBatch';

/** The handler of an Amazon MQ (RabbitMQ)-triggered function; bad messages go to their queue's parking lot. */
export function rabbitMqBatchHandler(consumer: string, work: BatchWork<RabbitMqSource>) {
  return batchHandler<RabbitMqTriggerEvent, RabbitMqSource>({ consumer, decode: rabbitMqRecordBatch(), deadLetterPublisher: rabbitMqParkingLot(consumer), work });
}
