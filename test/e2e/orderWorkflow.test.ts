import type { ConsumeMessage } from 'amqplib';
import { execFileSync } from 'node:child_process';
import { produceRecords } from '../../testkit/produceRecords';
import { handler as authorizePayment } from '../../functions/authorize-payment/handler';
import { handler as startOrderWorkflow } from '../../functions/start-order-workflow/handler';
import { toKafkaTriggerEvent, toKafkaTriggerRecord } from '../../emulator/runtime/kafkaTriggerEvent';
import { asConsumedRecord } from '../../shared/kafka/asConsumedRecord';
import type { KafkaTriggerRecord } from '../../shared/triggers/kafka/KafkaTriggerEvent';
import { toRabbitMqTriggerEvent } from '../../emulator/runtime/rabbitMqTriggerEvent';
import { createEnvelope } from '../../shared/envelope/envelope';
import { toAmqpMessage } from '../../shared/envelope/toAmqpMessage';
import { toKafkaMessage } from '../../shared/envelope/toKafkaMessage';
import type { RabbitMqSource } from '../../shared/triggers/rabbitmq/RabbitMqTriggerEvent';
import { startOrder } from '../../shared/workflow/orderSaga';
import { beginSagas } from '../../shared/workflow/saga/sagaRecords';
import { actionCount, failuresLeft, injectFailures } from '../../shared/workflow/sandbox/sandboxLedger';
import { lambdaContextOf } from '../../testkit/lambdaContextOf';
import { takeParked } from '../../testkit/parkingLot';
import { withTestKey } from '../../testkit/testApiKey';
import { localRuntimeForTests } from '../../testkit/testRuntime';

/**
 * The order workflow through the local runtime, against the real RabbitMQ (quorum queues, delay
 * queues, parking lots), the test profile's Kafka and Redis: every outcome is checked both on the order's read
 * model (GET /orders/{id}) and on what the sandbox providers really did (charges, refunds, shipments).
 */
jest.setTimeout(120_000);

const runtime = localRuntimeForTests('wf');
const run = `${Date.now().toString(36)}-${process.pid}`;
let serial = 0;
const orderId = (label: string) => `${label}-${run}-${serial++}`;

const order = (id: string, overrides: Record<string, unknown> = {}) => ({
  type: 'order.placed',
  data: { orderId: id, userId: 'u-wf', amount: 2_500, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'book-1', qty: 2 }], ...overrides },
});

async function place(...orders: Array<ReturnType<typeof order>>): Promise<void> {
  const response = await fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: JSON.stringify({ events: orders }) });
  expect(response.status).toBe(202);
  // Every order accepted, in order, as an order.placed with an id of its own.
  const { accepted } = (await response.json()) as { accepted: Array<{ index: number; id: string; type: string }> };
  expect(accepted.map(({ index, type }) => ({ index, type }))).toEqual(orders.map((_, index) => ({ index, type: 'order.placed' })));
  expect(new Set(accepted.map((a) => a.id)).size).toBe(orders.length);
}

interface OrderView {
  status: string;
  final: boolean;
  steps: Array<{ type: string; details: Record<string, unknown> }>;
}

async function readOrder(id: string): Promise<OrderView | undefined> {
  const response = await fetch(`${runtime.url}/orders/${id}`, { headers: withTestKey() });
  return response.status === 200 ? ((await response.json()) as OrderView) : undefined;
}

/** The order's view once `ready` holds: the projection runs apart from the workflow, a little later. */
async function orderWhen(id: string, ready: (view: OrderView) => boolean, what: string, timeoutMs: number): Promise<OrderView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await readOrder(id);
    if (view !== undefined && ready(view)) return view;
    if (Date.now() > deadline) throw new Error(`order ${id} not ${what} after ${timeoutMs} ms: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const finalOrder = (id: string, timeoutMs = 30_000): Promise<OrderView> => orderWhen(id, (view) => view.final, 'final', timeoutMs);

const stepTypes = (view: OrderView) => view.steps.map((s) => s.type);

describe('order workflow (RabbitMQ + Kafka + Redis, local runtime)', () => {
  it('should complete a paid order, charging once and shipping once', async () => {
    const id = orderId('paid');
    await place(order(id));
    const view = await finalOrder(id);
    expect(view.status).toBe('completed');
    expect(stepTypes(view)).toEqual(['order.placed', 'payment.authorized', 'inventory.reserved', 'shipment.scheduled', 'order.completed']);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    expect(await actionCount('shipping', 'shipments', id)).toBe(1);
    // The starter and the steps that sent a next command published as their own RabbitMQ users.
    const users = new Set(
      execFileSync('rabbitmqctl', ['list_connections', 'user', '-q'], { encoding: 'utf8' })
        .split('\n')
        .map((line) => line.trim()),
    );
    for (const fn of ['start-order-workflow', 'authorize-payment', 'reserve-inventory']) expect(users).toContain(`triplane-${fn}`);
  });

  it('should cancel a declined order without charging it', async () => {
    const id = orderId('declined');
    await place(order(id, { paymentToken: 'tok_decline' }));
    const view = await finalOrder(id);
    expect(view.status).toBe('cancelled');
    expect(stepTypes(view)).toEqual(['order.placed', 'payment.declined', 'order.cancelled']);
    expect(await actionCount('payment', 'charges', id)).toBe(0);
  });

  it('should refund then cancel an order that is out of stock', async () => {
    const id = orderId('oos');
    await place(
      order(id, {
        items: [
          { sku: 'book-1', qty: 1 },
          { sku: 'oos-lamp', qty: 1 },
        ],
      }),
    );
    const view = await finalOrder(id);
    expect(view.status).toBe('cancelled');
    expect(stepTypes(view)).toEqual(['order.placed', 'payment.authorized', 'inventory.unavailable', 'payment.refunded', 'order.cancelled']);
    expect(view.steps.find((s) => s.type === 'inventory.unavailable')?.details.skus).toEqual(['oos-lamp']);
    expect([await actionCount('payment', 'charges', id), await actionCount('payment', 'refunds', id)]).toEqual([1, 1]);
    expect(await actionCount('shipping', 'shipments', id)).toBe(0);
  });

  it('should retry a step that fails twice with backoff, then complete it once', async () => {
    const id = orderId('flaky');
    await injectFailures('payment', id, 2);
    await place(order(id));
    const view = await finalOrder(id);
    expect(view.status).toBe('completed');
    // Both injected failures were met (two failed attempts went round the delay queues) before the
    // third attempt charged, once. Which delay queue each attempt takes: test/unit/shared/workflow/stepRouting.test.ts.
    expect(await failuresLeft('payment', id)).toBe(0);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    expect(stepTypes(view).filter((t) => t === 'payment.authorized')).toHaveLength(1);
  });

  it('should park a message that always fails, with its reason and attempt count', async () => {
    const id = orderId('stuck');
    await injectFailures('inventory', id, -1);
    await place(order(id));
    const parked = await takeParked('inventory.reserve.parking-lot', (m) => (m.body.data as { orderId?: string } | undefined)?.orderId === id, 30_000);
    expect(parked?.headers).toMatchObject({ attempt: 4, 'x-triplane-stage': 'handler', 'x-triplane-consumer': 'reserve-inventory' });
    expect(String(parked?.headers['x-triplane-reason'])).toMatch(/failed after 4 attempts: inventory sandbox: injected failure/);
    expect((await readOrder(id))?.status).toBe('payment_authorized');
  });

  it('should change nothing when a step batch is delivered again', async () => {
    const id = orderId('redelivered');
    // The saga as start-order-workflow would begin it, without its publish: the test delivers the command itself.
    const placed = createEnvelope({ type: 'order.placed', version: 1, key: id, data: order(id).data, source: 'test' });
    const command = startOrder(placed, 'test');
    expect(await beginSagas([{ placed, first: command }])).toEqual([{ kind: 'start' }]);
    const { content, options } = toAmqpMessage(command);
    const message = (redelivered: boolean) => ({ content, fields: { redelivered }, properties: { ...options, deliveryMode: 2 } }) as unknown as ConsumeMessage;
    const first = await authorizePayment(toRabbitMqTriggerEvent('arn:aws:mq:local', 'payment.authorize', 'triplane-test', [message(false)]), lambdaContextOf<RabbitMqSource>('authorize-payment'));
    const again = await authorizePayment(toRabbitMqTriggerEvent('arn:aws:mq:local', 'payment.authorize', 'triplane-test', [message(true)]), lambdaContextOf<RabbitMqSource>('authorize-payment'));
    expect(first).toMatchObject({ received: 1, processed: 1, duplicates: 0 });
    expect(again).toMatchObject({ received: 1, processed: 0, duplicates: 1 });
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    // The one command it did publish runs the rest of the saga exactly once.
    expect((await finalOrder(id)).status).toBe('completed');
    expect(await actionCount('shipping', 'shipments', id)).toBe(1);
  });

  it('should start no saga for a record of another type that reaches start-order-workflow without its mapping filter', async () => {
    const placedId = orderId('unfiltered-placed');
    const otherId = orderId('unfiltered-other');
    const placed = createEnvelope({ type: 'order.placed', version: 1, key: placedId, data: order(placedId).data, source: 'test' });
    const other = createEnvelope({ type: 'order.completed', version: 1, key: otherId, data: { orderId: otherId }, source: 'test' });
    // As a mapping with no filter would deliver them: the outcome first, then the placement.
    const records = [other, placed].map((envelope, i) => toKafkaTriggerRecord('orders', 0, asConsumedRecord(toKafkaMessage(envelope), BigInt(i), BigInt(Date.now()))));
    const result = await startOrderWorkflow(toKafkaTriggerEvent('arn:aws:kafka:local', 'local', records), lambdaContextOf<KafkaTriggerRecord>('start-order-workflow'));
    expect(result).toMatchObject({ received: 2, deadLettered: 0 });
    // The placement began its saga (another placement of the same order is a duplicate of it); the outcome began none.
    const placedAgain = createEnvelope({ type: 'order.placed', version: 1, key: placedId, data: order(placedId).data, source: 'test' });
    expect(await beginSagas([{ placed: placedAgain, first: startOrder(placedAgain, 'test') }])).toEqual([{ kind: 'duplicate', placedId: placed.id }]);
    const otherAsPlaced = createEnvelope({ type: 'order.placed', version: 1, key: otherId, data: order(otherId).data, source: 'test' });
    expect(await beginSagas([{ placed: otherAsPlaced, first: startOrder(otherAsPlaced, 'test') }])).toEqual([{ kind: 'start' }]);
  });

  it('should stop a chain at the hop limit instead of letting it bounce between Kafka and RabbitMQ', async () => {
    const id = orderId('looping');
    // An order.placed that already made 10 hops (the limit): its first command would be hop 11.
    const looping = { ...createEnvelope({ type: 'order.placed', version: 1, key: id, data: order(id).data, source: 'test' }), hops: 10 };
    await produceRecords('orders', [toKafkaMessage(looping)]);
    const parked = await takeParked('payment.authorize.parking-lot', (m) => (m.body.data as { orderId?: string } | undefined)?.orderId === id, 30_000);
    expect(parked?.headers).toMatchObject({ 'x-triplane-stage': 'hop-limit', 'x-hops': '11' });
    expect(String(parked?.headers['x-triplane-reason'])).toMatch(/hop limit exceeded/);
    expect(await actionCount('payment', 'charges', id)).toBe(0);
    // The order projection sees the order.placed on its own schedule; it stays placed, going nowhere.
    const view = await orderWhen(id, () => true, 'visible', 10_000);
    expect(view.status).toBe('placed');
    expect(view.final).toBe(false);
  });

  it('should bring 500 concurrent orders to a final state, none lost and none charged twice', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => orderId(i % 10 === 0 ? 'bulk-decline' : i % 10 === 1 ? 'bulk-oos' : 'bulk'));
    const orders = ids.map((id) => order(id, id.startsWith('bulk-decline') ? { paymentToken: 'tok_decline' } : id.startsWith('bulk-oos') ? { items: [{ sku: 'oos-1', qty: 1 }] } : {}));
    await Promise.all(Array.from({ length: 5 }, (_, i) => place(...orders.slice(i * 100, i * 100 + 100))));
    const views = await Promise.all(ids.map((id) => finalOrder(id, 90_000)));
    const charges = await Promise.all(ids.map((id) => actionCount('payment', 'charges', id)));
    const refunds = await Promise.all(ids.map((id) => actionCount('payment', 'refunds', id)));
    ids.forEach((id, i) => {
      const view = views[i] as OrderView;
      const expected = id.startsWith('bulk-decline') ? [0, 0, 'cancelled'] : id.startsWith('bulk-oos') ? [1, 1, 'cancelled'] : [1, 0, 'completed'];
      expect([charges[i], refunds[i], view.status]).toEqual(expected);
      expect(new Set(stepTypes(view)).size).toBe(view.steps.length);
    });
  });
});
