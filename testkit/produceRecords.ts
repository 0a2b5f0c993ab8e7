import type { OutgoingRecord } from '../shared/kafka/KafkaPort';
import { localKafkaClient } from '../shared/kafka/kafkaClient';
import { localConfig } from '../emulator/config/localConfig';

/** Writes records to a topic of the test Kafka as any other client would (idempotent, acks=all), bypassing ingest. */
export async function produceRecords(topic: string, records: ReadonlyArray<Omit<OutgoingRecord, 'headers'> & { headers?: OutgoingRecord['headers'] }>): Promise<void> {
  const producer = await localKafkaClient(localConfig().KAFKA_BROKERS ?? [], 'test').producer();
  try {
    await producer.send([{ topic, records: records.map((r) => ({ ...r, headers: r.headers ?? {} })) }]);
  } finally {
    await producer.close();
  }
}
