import { compatibilityPartitioner, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';

/** The least a triplane function needs from @platformatic/kafka (an idempotent producer, a group consumer): bundled to size it. */
export async function produceAndConsume(brokers: string[], topic: string): Promise<void> {
  const producer = new Producer({ clientId: 'minimal', bootstrapBrokers: brokers, idempotent: true, partitioner: compatibilityPartitioner, serializers: stringSerializers });
  await producer.send({ messages: [{ topic, key: 'k', value: 'v' }] });
  const consumer = new Consumer({ clientId: 'minimal', groupId: 'minimal', bootstrapBrokers: brokers, deserializers: stringDeserializers });
  const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest' });
  stream.on('data', (message: { offset: bigint }) => message.offset);
}
