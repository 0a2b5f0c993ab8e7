import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { countDelivered } from '../../shared/observability/queueTraffic';
import type { Invoke } from './loadedFunction';
import { toRabbitMqTriggerEvent } from './rabbitMqTriggerEvent';
import type { RabbitMqTrigger } from '../../shared/routes/functionCatalog';

export interface RabbitMqMappingOptions {
  functionName: string;
  event: RabbitMqTrigger;
  url: string;
  vhost: string;
  eventSourceArn: string;
  invoke: Invoke;
  onInvocation?: (outcome: { functionName: string; records: number; ok: boolean; error?: unknown }) => void;
}

export interface RunningMapping {
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An Amazon MQ (RabbitMQ) event source mapping with Lambda's semantics: at most one invocation in flight
 * (Lambda allows one concurrent execution environment per RabbitMQ mapping,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html); a batch of up to batchSize messages
 * gathered for at most the batching window, which begins when the first record arrives
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching);
 * all acknowledged after success; on error all rejected back to the queue, so the broker redelivers
 * them (`redelivered: true`) and, past the queue's delivery limit, dead-letters them. The mapping holds
 * at most one batch unacknowledged (prefetch = batchSize). A lost connection is opened again.
 *
 * Lambda's poller does not say how far it reads ahead, so this one never holds more than the batch it
 * invokes with: under a backlog a batch is whatever the broker delivered by the time the last one was
 * acknowledged, about half of batchSize on average (batches alternate, e.g. 11 and 39 of 50).
 */
export async function startRabbitMqEventSourceMapping(options: RabbitMqMappingOptions): Promise<RunningMapping> {
  const { event, invoke, functionName } = options;
  const windowMs = event.maximumBatchingWindow * 1000;
  let stopping = false;
  let connection: ChannelModel | undefined;
  let channel: Channel | undefined;
  let consumerTag: string | undefined;
  let buffer: ConsumeMessage[] = [];
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (stopping || inFlight !== undefined || buffer.length === 0 || channel === undefined) return;
    const current = channel;
    const batch = buffer.splice(0, event.batchSize);
    inFlight = (async () => {
      try {
        await invoke(toRabbitMqTriggerEvent(options.eventSourceArn, event.queue, options.vhost, batch));
        failures = 0;
        countDelivered(event.queue, batch.length);
        options.onInvocation?.({ functionName, records: batch.length, ok: true });
        // One frame for the batch: every message before its last was settled when its own batch ended (one batch in flight).
        const last = batch[batch.length - 1];
        if (last !== undefined) current.ack(last, true);
      } catch (error) {
        failures++;
        options.onInvocation?.({ functionName, records: batch.length, ok: false, error });
        // Back off before the broker hands the same messages back, as Lambda's poller does.
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
        for (const message of batch) current.nack(message, false, true);
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        inFlight = undefined;
        if (buffer.length >= event.batchSize || (buffer.length > 0 && windowMs === 0)) flush();
        else if (buffer.length > 0) timer ??= setTimeout(flush, windowMs);
      });
  };

  const open = async (): Promise<void> => {
    connection = await connect(options.url);
    channel = await connection.createChannel();
    await channel.prefetch(event.batchSize);
    connection.on('error', () => undefined);
    connection.on('close', () => {
      // Unacknowledged messages go back to the queue with the connection; they come again after reconnecting.
      channel = undefined;
      buffer = [];
      if (!stopping) void reconnect();
    });
    ({ consumerTag } = await channel.consume(
      event.queue,
      (message) => {
        if (message === null) return;
        buffer.push(message);
        if (buffer.length >= event.batchSize || windowMs === 0) flush();
        else timer ??= setTimeout(flush, windowMs);
      },
      { noAck: false },
    ));
  };

  const reconnect = async (): Promise<void> => {
    for (let attempt = 1; !stopping; attempt++) {
      await sleep(Math.min(5_000, 200 * attempt));
      try {
        await open();
        return;
      } catch {
        // The broker is still away; try again.
      }
    }
  };

  await open();
  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await inFlight;
      // Cancelled before the connection closes: a quorum queue applies the batch's ack asynchronously,
      // and a connection closed right after it could have the queue return the acknowledged messages
      // (found redelivered after every stop). The cancel's answer comes once the queue took the ack in.
      const tag = consumerTag;
      if (tag !== undefined) await channel?.cancel(tag).catch(() => undefined);
      await connection?.close().catch(() => undefined);
    },
  };
}
