import { connect, type GetMessage } from 'amqplib';
import { localConfig } from '../emulator/config/localConfig';

export interface ParkedMessage {
  body: Record<string, unknown>;
  headers: Record<string, unknown>;
}

/**
 * Waits until a message matching `match` sits in a parking lot and takes it out (acknowledged, so the
 * next run starts clean); other messages are put back. Returns undefined after the timeout.
 */
export async function takeParked(queue: string, match: (message: ParkedMessage) => boolean, timeoutMs: number): Promise<ParkedMessage | undefined> {
  const connection = await connect(localConfig().RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const seen: GetMessage[] = [];
      let found: ParkedMessage | undefined;
      for (let message = await channel.get(queue); message !== false; message = await channel.get(queue)) {
        const parked = { body: JSON.parse(message.content.toString()) as Record<string, unknown>, headers: (message.properties.headers ?? {}) as Record<string, unknown> };
        if (found === undefined && match(parked)) {
          found = parked;
          channel.ack(message);
        } else {
          seen.push(message);
        }
      }
      for (const message of seen) channel.nack(message, false, true);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return undefined;
  } finally {
    await connection.close();
  }
}
