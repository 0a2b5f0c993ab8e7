import { connect } from 'amqplib';
import { Redis } from 'ioredis';
import { localConfig, setEnvironment } from '../../../../emulator/config/localConfig';
import { localUsersOf } from '../../../../emulator/runtime/localFunctionUsers';
import { facts } from '../../../../functions/start-order-workflow/function';
import { closeSharedClients } from '../../../../shared/clients/sharedClients';
import { createEnvelope } from '../../../../shared/envelope/envelope';
import { nextOffsetKey } from '../../../../shared/middleware/idempotency/RedisIdempotencyStore';
import { logger } from '../../../../shared/observability/logger';
import { redisKeys } from '../../../../shared/state/redisKeys';
import type { KafkaTriggerRecord } from '../../../../shared/triggers/kafka/KafkaTriggerEvent';
import { asRedisUser } from '../../../../testkit/asRedisUser';
import { kafkaEventOf, kafkaRecordOf } from '../../../../testkit/kafkaTriggerEvents';
import { lambdaContextOf } from '../../../../testkit/lambdaContextOf';
import { PrivateNamespace } from '../../../../testkit/privateNamespace';
import { PrivateVhost } from '../../../../testkit/privateVhost';

/**
 * start-order-workflow's mapping filters the orders topic (only order.placed invokes it), so Lambda
 * hands it batches whose offsets jump over the outcome records it dropped. Those jumps are no loss:
 * the handler must not report them as skipped records (its SkippedRecords alarm would fire at every
 * batch), while every placement still starts its saga. Real Redis, as the function's own user, and a
 * RabbitMQ virtual host of this test's own (the first commands land in its queue, not another test's).
 */
jest.setTimeout(30_000);

const namespace = new PrivateNamespace('tpfiltered');
const vhost = new PrivateVhost(namespace.name, `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(namespace.name)}`);
setEnvironment({ TRIPLANE_REDIS_NAMESPACE: namespace.name, RABBITMQ_URL: vhost.url });

const PARTITION = 4;
const base = 2_000;
const placed = (orderId: string) =>
  createEnvelope({
    type: 'order.placed',
    version: 1,
    key: orderId,
    source: 'test',
    data: { orderId, userId: 'u-filter', amount: 1_200, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'book-1', qty: 1 }] },
  });
const at = (offset: number, orderId: string): KafkaTriggerRecord => ({ ...kafkaRecordOf('orders', placed(orderId), PARTITION), offset: base + offset });

beforeAll(async () => {
  await namespace.create();
  await vhost.create();
});

afterAll(async () => {
  // The handler's connections first: the vhost and the users go next.
  await closeSharedClients();
  await vhost.delete();
  await namespace.delete();
});

describe('start-order-workflow behind its mapping filter (real Redis and RabbitMQ)', () => {
  it('should start every placement and report no skipped records across the offsets the filter dropped', async () => {
    const { handler } = await import('../../../../functions/start-order-workflow/handler');
    const identity = localUsersOf(facts).redis;
    if (identity === undefined) throw new Error('start-order-workflow has no local Redis user');
    const invoke = (records: KafkaTriggerRecord[]) => asRedisUser(identity, () => handler(kafkaEventOf(records), lambdaContextOf(facts.name)));
    const errors = jest.spyOn(logger, 'error');
    try {
      expect(await invoke([at(0, 'filtered-1')])).toMatchObject({ processed: 1, skipped: 0, deadLettered: 0 });
      // Offsets 1-4 were the first order's outcomes, which the filter dropped.
      expect(await invoke([at(5, 'filtered-2'), at(10, 'filtered-3')])).toMatchObject({ processed: 2, skipped: 0, deadLettered: 0 });
      expect(errors.mock.calls.filter(([message]) => typeof message === 'string' && message.startsWith('records skipped'))).toEqual([]);
      // No expectation is kept that a later batch could be held to.
      const admin = new Redis(localConfig().REDIS_URL);
      try {
        expect(await admin.exists(nextOffsetKey(redisKeys(namespace.name).idempotency(facts.name, ''), `orders:${PARTITION}`))).toBe(0);
      } finally {
        admin.disconnect();
      }
      const connection = await connect(vhost.url);
      try {
        expect((await (await connection.createChannel()).checkQueue('payment.authorize')).messageCount).toBe(3);
      } finally {
        await connection.close();
      }
    } finally {
      errors.mockRestore();
    }
  });
});
