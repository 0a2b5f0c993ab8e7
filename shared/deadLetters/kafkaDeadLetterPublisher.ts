import { kafkaProducer } from '../clients/kafkaProducer';
import { downstream } from '../resilience/downstream';
import type { DeadLetterPublisher } from '../middleware/batch/deadLetters';
import { DEAD_LETTER_TOPIC } from '../routes/topics';
import type { KafkaTriggerRecord } from '../triggers/kafka/KafkaTriggerEvent';
import { KAFKA_REQUEST_LIMITS, outgoingBytes, piecesWithin } from '../publishing/gatheredProduce';
import { toKafkaDeadLetter } from './toKafkaDeadLetter';

/**
 * Dead letters of Kafka records go to the dead-letter topic, with acks=all before the batch succeeds.
 * They carry the refused records whole, so a batch of large ones goes in pieces within what Kafka takes
 * in one partition batch: sent as one request, it was refused on every retry and the consumer stalled.
 */
export function kafkaDeadLetterPublisher(consumer: string): DeadLetterPublisher<KafkaTriggerRecord> {
  return async (rejected) => {
    const letters = rejected.map((r) => toKafkaDeadLetter(r, consumer)).map((record) => ({ topic: DEAD_LETTER_TOPIC, record, bytes: outgoingBytes(record) }));
    for (const piece of piecesWithin(letters, KAFKA_REQUEST_LIMITS)) {
      await downstream('kafka').call(async () => {
        await (await kafkaProducer()).send([{ topic: DEAD_LETTER_TOPIC, records: piece.map((letter) => letter.record) }]);
      });
    }
  };
}
