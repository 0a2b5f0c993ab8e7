import { kafkaProducer } from '../clients/kafkaProducer';
import { downstream } from '../resilience/downstream';
import type { DeadLetterPublisher } from '../middleware/batch/deadLetters';
import { DEAD_LETTER_TOPIC } from '../routes/topics';
import type { KafkaTriggerRecord } from '../triggers/kafka/KafkaTriggerEvent';
import { toKafkaDeadLetter } from './toKafkaDeadLetter';

/** Dead letters of Kafka records go to the dead-letter topic, with acks=all before the batch succeeds. */
export function kafkaDeadLetterPublisher(consumer: string): DeadLetterPublisher<KafkaTriggerRecord> {
  return async (rejected) => {
    await downstream('kafka').call(async () => {
      await (await kafkaProducer()).send([{ topic: DEAD_LETTER_TOPIC, records: rejected.map((r) => toKafkaDeadLetter(r, consumer)) }]);
    });
  };
}
