import { connect, type Channel, type ChannelModel } from 'amqplib';
import { startRabbitMqEventSourceMapping, type RunningMapping } from '../../../../emulator/runtime/rabbitMqEventSourceMapping';
import type { RabbitMqTriggerEvent } from '../../../../shared/triggers/rabbitmq/RabbitMqTriggerEvent';
import { waitFor } from '../../../../testkit/waitUntil';

/**
 * The local Amazon MQ (RabbitMQ) event source mapping against the real broker, on quorum queues of this
 * test's own in the test vhost: one invocation at a time, batches of at most batchSize, acknowledged
 * only after the invocation succeeded (and for good once the mapping stopped), a failed batch
 * redelivered whole, and, with a window of 0, a lone message invoked at once.
 */
jest.setTimeout(60_000);
const URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672/triplane-test';
const VHOST = decodeURIComponent(new globalThis.URL(URL).pathname.slice(1));
const run = `${Date.now().toString(36)}-${process.pid}`;
let serial = 0;
let connection: ChannelModel;
let channel: Channel;
const queues: string[] = [];
const mappings: RunningMapping[] = [];

beforeAll(async () => {
  connection = await connect(URL);
  channel = await connection.createConfirmChannel();
});

afterAll(async () => {
  await Promise.all(mappings.map((m) => m.stop()));
  for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
  await connection.close();
});

async function queueWith(count: number): Promise<string> {
  const queue = `tptest.esm.${run}.${serial++}`;
  queues.push(queue);
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await publish(queue, 0, count);
  return queue;
}

async function publish(queue: string, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) channel.sendToQueue(queue, Buffer.from(JSON.stringify({ i })), { persistent: true, messageId: `m${i}` });
  await (channel as unknown as { waitForConfirms(): Promise<void> }).waitForConfirms();
}

interface Invocation {
  ids: string[];
  redelivered: boolean[];
  startedWhileAnotherRan: boolean;
}

/** A mapping on `queue` whose function records each batch, takes `workMs`, and fails while `fail` says so. */
async function mappingOn(queue: string, batchSize: number, workMs: number, fail: (invocation: number) => boolean = () => false) {
  const invocations: Invocation[] = [];
  let running = 0;
  const mapping = await startRabbitMqEventSourceMapping({
    functionName: 'esm-test',
    event: { kind: 'rabbitmq', queue, batchSize, maximumBatchingWindow: 0, basicAuthArn: undefined },
    url: URL,
    vhost: VHOST,
    eventSourceArn: 'arn:aws:mq:local:000000000000:broker:test:b-test',
    invoke: async (event) => {
      const messages = Object.values((event as RabbitMqTriggerEvent).rmqMessagesByQueue).flat();
      const n = invocations.push({
        ids: messages.map((m) => String(m.basicProperties.messageId)),
        redelivered: messages.map((m) => m.redelivered),
        startedWhileAnotherRan: running > 0,
      });
      running++;
      try {
        await new Promise((resolve) => setTimeout(resolve, workMs));
        if (fail(n)) throw new Error('the function failed');
        return { ok: true };
      } finally {
        running--;
      }
    },
  });
  mappings.push(mapping);
  return { mapping, invocations };
}

const delivered = (invocations: Invocation[]) => invocations.flatMap((i) => i.ids);
const until = (what: string, done: () => boolean, timeoutMs: number) => waitFor(what, () => Promise.resolve(done() ? true : undefined), timeoutMs, 10);
const messageCount = async (queue: string) => (await channel.checkQueue(queue)).messageCount;

describe('the local RabbitMQ event source mapping', () => {
  it('should hand a backlog over in batches of at most batchSize, one invocation at a time, each acknowledged once it succeeded', async () => {
    const queue = await queueWith(230);
    const { mapping, invocations } = await mappingOn(queue, 50, 15);
    await until('230 messages delivered', () => delivered(invocations).length >= 230, 20_000);
    await mapping.stop();
    expect(delivered(invocations).sort()).toEqual(Array.from({ length: 230 }, (_, i) => `m${i}`).sort());
    expect(invocations.every((i) => i.ids.length <= 50)).toBe(true);
    expect(invocations.some((i) => i.startedWhileAnotherRan)).toBe(false);
    expect(await messageCount(queue)).toBe(0);
  });

  it('should leave a batch unacknowledged while its invocation runs, and never hold more than one batch', async () => {
    const queue = await queueWith(120);
    const { mapping, invocations } = await mappingOn(queue, 40, 800);
    await until('a first invocation', () => invocations.length >= 1, 10_000);
    // The first invocation runs: its 40 messages are held, the other 80 still ready in the queue.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { messageCount: ready } = await channel.checkQueue(queue);
    expect(ready).toBe(80);
    await until('120 messages delivered', () => delivered(invocations).length >= 120, 20_000);
    await mapping.stop();
    expect(await messageCount(queue)).toBe(0);
  });

  it('should hand a failed batch back to the broker, which redelivers every message of it marked redelivered', async () => {
    const queue = await queueWith(30);
    const { mapping, invocations } = await mappingOn(queue, 50, 5, (n) => n === 1);
    const failedIds = () => invocations[0]?.ids ?? [];
    const later = () => invocations.slice(1).flatMap((i) => i.ids.map((id, k) => ({ id, redelivered: i.redelivered[k] })));
    await until(
      'every message delivered, the failed ones again',
      () => {
        const seen = new Set(later().map((m) => m.id));
        return failedIds().length > 0 && failedIds().every((id) => seen.has(id)) && seen.size === 30;
      },
      20_000,
    );
    await mapping.stop();
    const again = later().filter((m) => failedIds().includes(m.id));
    expect(again.map((m) => m.id).sort()).toEqual([...failedIds()].sort());
    expect(again.every((m) => m.redelivered === true)).toBe(true);
    expect(await messageCount(queue)).toBe(0);
  });

  it('should invoke with what has arrived when messages come one at a time, without waiting for a full batch', async () => {
    const queue = await queueWith(0);
    const { mapping, invocations } = await mappingOn(queue, 50, 1);
    await publish(queue, 0, 1);
    await until('an invocation for m0', () => invocations.length >= 1, 5_000);
    expect(invocations[0]?.ids).toEqual(['m0']);
    await publish(queue, 1, 1);
    await until('an invocation for m1', () => invocations.length >= 2, 5_000);
    expect(invocations[1]?.ids).toEqual(['m1']);
    await mapping.stop();
  });
});
