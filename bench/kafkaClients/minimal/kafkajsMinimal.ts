import { Kafka, Partitioners } from 'kafkajs';

/** The least a triplane function needs from kafkajs (an idempotent producer, a group consumer): bundled to size it. */
export async function produceAndConsume(brokers: string[], topic: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'minimal', brokers });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'v' }] });
  const consumer = kafka.consumer({ groupId: 'minimal' });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachBatch: ({ batch }) => Promise.resolve(batch.messages.length).then(() => undefined) });
}
