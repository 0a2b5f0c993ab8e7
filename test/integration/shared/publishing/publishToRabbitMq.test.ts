import { connect, type Channel, type ChannelModel } from 'amqplib';
import { closeRabbitMq } from '../../../../shared/clients/rabbitMq';
import { publishConfirmed } from '../../../../shared/publishing/publishToRabbitMq';

/**
 * Publisher confirms with `mandatory` on the real RabbitMQ: an unroutable message fails the call that
 * published it, and only that call, however many publish at once on the process's one confirm channel.
 */
jest.setTimeout(30_000);

const run = Date.now().toString(36);
const exchange = `tptest.publish.${run}`;
const queue = `tptest.publish.${run}.routed`;
let admin: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  admin = await connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672/triplane-test');
  channel = await admin.createChannel();
  await channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: true });
  await channel.assertQueue(queue, { durable: false, autoDelete: false });
  await channel.bindQueue(queue, exchange, 'routed');
});

afterAll(async () => {
  await channel.deleteQueue(queue);
  await channel.deleteExchange(exchange);
  await admin.close();
  await closeRabbitMq();
});

const message = (routingKey: string, i: number) => ({ exchange, routingKey, content: Buffer.from(`m-${i}`), options: { headers: { n: i } } });

describe('publishConfirmed', () => {
  it('should fail only the call whose message could not be routed, among concurrent calls', async () => {
    const calls = Array.from({ length: 30 }, (_, i) => publishConfirmed([message(i === 7 ? 'nowhere' : 'routed', i), message('routed', 100 + i)]));
    const outcomes = await Promise.allSettled(calls);
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([7]);
    expect(String((outcomes[7] as PromiseRejectedResult).reason)).toMatch(/could not route 1 message\(s\) \(routing keys: nowhere\)/);
    // Every routable message arrived, the one from the failed call included.
    expect((await channel.checkQueue(queue)).messageCount).toBe(59);
  });
});
