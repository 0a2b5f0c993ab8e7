import { functionConfig } from '../config/functionConfig';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { connectOnce } from './connectOnce';
import { currentRabbitMqUser } from './functionIdentity';
import { rabbitMqUrl } from './rabbitMqUrl';
import type { UserSecret } from './userSecret';

interface Connected {
  connection: ChannelModel;
  channel: ConfirmChannel;
}

type Shared = ReturnType<typeof connectOnce<Connected>>;

const connected: Shared = connectOnce(() => open(connected));
/** The local runtime's connections, one per function user (see functionIdentity). */
const asUsers = new Map<string, Shared>();

/**
 * The process's RabbitMQ connection and confirm channel, made on first use and reused. If the broker
 * closes either (restart, channel error), the next call connects again instead of failing forever.
 * Inside the local runtime's per-function identity, the connection of that function's own user.
 */
export function rabbitMqChannel(): Promise<ConfirmChannel> {
  const user = currentRabbitMqUser();
  if (user === undefined) return connected.get().then((c) => c.channel);
  let own = asUsers.get(user.username);
  if (own === undefined) {
    const shared: Shared = connectOnce(() => open(shared, user));
    asUsers.set(user.username, shared);
    own = shared;
  }
  return own.get().then((c) => c.channel);
}

async function open(shared: Shared, user?: UserSecret): Promise<Connected> {
  const url = new URL(await rabbitMqUrl());
  if (user !== undefined) {
    url.username = encodeURIComponent(user.username);
    url.password = encodeURIComponent(user.password);
  }
  const connection = await connect(url.toString(), { clientProperties: { connection_name: user?.username ?? functionConfig().AWS_LAMBDA_FUNCTION_NAME ?? 'triplane' } });
  const channel = await connection.createConfirmChannel();
  const forget = () => void shared.forget();
  connection.on('close', forget);
  connection.on('error', forget);
  channel.on('close', forget);
  channel.on('error', forget);
  return { connection, channel };
}

export async function closeRabbitMq(): Promise<void> {
  const all = [connected, ...asUsers.values()];
  asUsers.clear();
  await Promise.all(
    all.map(async (shared) => {
      const previous = shared.forget();
      if (previous === undefined) return;
      const open = await previous.catch(() => undefined);
      await open?.connection.close().catch(() => undefined);
    }),
  );
}
