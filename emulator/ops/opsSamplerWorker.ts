import { connect, type Channel, type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import { parentPort, workerData } from 'node:worker_threads';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { collectSystemsStatus } from './collectOpsStatus';
import type { FromSampler, OpsSamplerData, ToSampler } from './opsSamplerMessages';

/**
 * The ops view's questions to Kafka (lag of every group), RabbitMQ (depth of every queue) and Redis
 * (INFO, a SCAN of the namespace and the TTLs of its sample), in a thread of their own: asked every
 * second from the runtime's thread, their decoding stalled the HTTP API by tens of milliseconds once a
 * second (read p99 25-29 ms with it, 13 ms without, measured by bench/readApiBenchmark.ts).
 */
const port = parentPort;
if (port === null) throw new Error('opsSamplerWorker runs as a worker thread of the local runtime');
const data = workerData as OpsSamplerData;
const send = (message: FromSampler) => port.postMessage(message);

const admin = localKafkaClient(data.brokers, 'triplane-ops').admin();
const redis = new Redis(data.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1_000, enableOfflineQueue: false });
redis.on('error', () => undefined);
let amqp: Promise<{ connection: ChannelModel; channel: Channel }> | undefined;
const channel = async (): Promise<Channel> => {
  amqp ??= (async () => {
    const connection = await connect(data.rabbitMqUrl);
    connection.on('error', () => undefined);
    connection.on('close', () => (amqp = undefined));
    const ch = await connection.createChannel();
    // checkQueue on a missing queue closes the channel: reopen on the next sample.
    ch.on('error', () => (amqp = undefined));
    ch.on('close', () => (amqp = undefined));
    return { connection, channel: ch };
  })().catch((error: unknown) => {
    amqp = undefined;
    throw error;
  });
  return (await amqp).channel;
};

async function stop(): Promise<void> {
  await admin.close().catch(() => undefined);
  redis.disconnect();
  const open = await amqp?.catch(() => undefined);
  await open?.connection.close().catch(() => undefined);
}

port.on('message', (message: ToSampler) => {
  if (message.kind === 'sample') {
    void collectSystemsStatus({ admin, redis, channel, namespace: data.namespace, groupSuffix: data.groupSuffix }).then((systems) => send({ kind: 'systems', id: message.id, systems }));
  } else {
    void stop().finally(() => {
      send({ kind: 'stopped' });
      port.close();
    });
  }
});
