import type { Options } from 'amqplib';
import { rabbitMqChannel } from '../clients/rabbitMq';
import { countPublished } from '../observability/queueTraffic';
import { downstream } from '../resilience/downstream';

export interface OutgoingAmqpMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/**
 * Publishes messages and resolves once the broker confirmed every one of them (publisher confirms):
 * a batch is acknowledged upstream only after this returns. `mandatory` makes an unroutable message
 * an error instead of a silent drop.
 */
export async function publishConfirmed(messages: ReadonlyArray<OutgoingAmqpMessage>): Promise<void> {
  if (messages.length === 0) return;
  await downstream('rabbitmq').call(() => publishAll(messages));
  // Direct routing: the routing key names the queue (the workflow exchange binds each queue by its name).
  for (const m of messages) countPublished(m.routingKey);
}

async function publishAll(messages: ReadonlyArray<OutgoingAmqpMessage>): Promise<void> {
  const channel = await rabbitMqChannel();
  const returned: string[] = [];
  const onReturn = (message: { fields: { routingKey: string } }) => returned.push(message.fields.routingKey);
  channel.on('return', onReturn);
  try {
    await Promise.all(
      messages.map(
        (m) =>
          new Promise<void>((resolve, reject) => {
            channel.publish(m.exchange, m.routingKey, m.content, { ...m.options, mandatory: true }, (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()));
          }),
      ),
    );
  } finally {
    channel.off('return', onReturn);
  }
  if (returned.length > 0) throw new Error(`RabbitMQ could not route ${returned.length} message(s) (routing keys: ${[...new Set(returned)].join(', ')}): is the topology declared?`);
}
