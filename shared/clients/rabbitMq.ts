import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { rabbitMqUrl } from './rabbitMqUrl';

interface Connected {
  connection: ChannelModel;
  channel: ConfirmChannel;
}

let current: Promise<Connected> | undefined;

/**
 * The process's RabbitMQ connection and confirm channel, made on first use and reused. If the broker
 * closes either (restart, channel error), the next call connects again instead of failing forever.
 */
export function rabbitMqChannel(): Promise<ConfirmChannel> {
  current ??= open().catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current.then((c) => c.channel);
}

async function open(): Promise<Connected> {
  const connection = await connect(await rabbitMqUrl(), { clientProperties: { connection_name: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'triplane' } });
  const channel = await connection.createConfirmChannel();
  const forget = () => {
    current = undefined;
  };
  connection.on('close', forget);
  connection.on('error', forget);
  channel.on('close', forget);
  channel.on('error', forget);
  return { connection, channel };
}

export async function closeRabbitMq(): Promise<void> {
  const open = current;
  current = undefined;
  if (open === undefined) return;
  const connected = await open.catch(() => undefined);
  await connected?.connection.close().catch(() => undefined);
}
