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

/** The header that ties a returned (unroutable) message to the publishAll call that sent it. */
const PUBLISH_TAG = 'x-triplane-publish';
let nextTag = 0;

/**
 * One `return` listener per channel, handing each returned message to the call that published it.
 * A listener per call would hear every call's returns: concurrent publishes on the one confirm channel
 * would each fail for another's unroutable message (and pile up past Node's listener warning).
 */
const pendingByChannel = new WeakMap<object, Map<string, string[]>>();

function returnsOf(channel: { on(event: 'return', listener: (message: ReturnedMessage) => void): unknown }): Map<string, string[]> {
  let pending = pendingByChannel.get(channel);
  if (pending === undefined) {
    const calls = new Map<string, string[]>();
    channel.on('return', (message) => calls.get(String(message.properties.headers?.[PUBLISH_TAG]))?.push(message.fields.routingKey));
    pendingByChannel.set(channel, calls);
    pending = calls;
  }
  return pending;
}

interface ReturnedMessage {
  fields: { routingKey: string };
  properties: { headers?: Record<string, unknown> };
}

async function publishAll(messages: ReadonlyArray<OutgoingAmqpMessage>): Promise<void> {
  const channel = await rabbitMqChannel();
  const pending = returnsOf(channel);
  const tag = String(nextTag++);
  const returned: string[] = [];
  pending.set(tag, returned);
  try {
    await Promise.all(
      messages.map(
        (m) =>
          new Promise<void>((resolve, reject) => {
            const options = { ...m.options, mandatory: true, headers: { ...(m.options.headers as Record<string, unknown> | undefined), [PUBLISH_TAG]: tag } };
            channel.publish(m.exchange, m.routingKey, m.content, options, (error: unknown) =>
              error ? reject(error instanceof Error ? error : new Error('publish not confirmed', { cause: error })) : resolve(),
            );
          }),
      ),
    );
  } finally {
    pending.delete(tag);
  }
  if (returned.length > 0) throw new Error(`RabbitMQ could not route ${returned.length} message(s) (routing keys: ${[...new Set(returned)].join(', ')}): is the topology declared?`);
}
