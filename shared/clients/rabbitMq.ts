import { functionConfig } from '../config/functionConfig';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { connectOnce } from './connectOnce';
import { rabbitMqUrl } from './rabbitMqUrl';
import { closeOnShutdown } from './sharedClients';

interface Connected {
  connection: ChannelModel;
  channel: ConfirmChannel;
}

const connected = connectOnce(open);

/**
 * The process's RabbitMQ connection and confirm channel, made on first use and reused. If the broker
 * closes either (restart, channel error), the next call connects again instead of failing forever.
 * It logs in as the function's own user, whose credentials the URL carries (see rabbitMqUrl).
 */
export function rabbitMqChannel(): Promise<ConfirmChannel> {
  return connected.get().then((c) => c.channel);
}

async function open(): Promise<Connected> {
  closeOnShutdown(closeRabbitMq);
  const connection = await connect(await rabbitMqUrl(), { clientProperties: { connection_name: functionConfig().AWS_LAMBDA_FUNCTION_NAME ?? 'triplane' } });
  const channel = await connection.createConfirmChannel();
  const forget = () => void connected.forget();
  connection.on('close', forget);
  connection.on('error', forget);
  channel.on('close', forget);
  channel.on('error', forget);
  return { connection, channel };
}

export async function closeRabbitMq(): Promise<void> {
  const previous = connected.forget();
  if (previous === undefined) return;
  const open = await previous.catch(() => undefined);
  await open?.connection.close().catch(() => undefined);
}
