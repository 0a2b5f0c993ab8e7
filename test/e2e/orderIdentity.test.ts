import { connect, type ConsumeMessage } from 'amqplib';
import { Redis } from 'ioredis';
import { produceRecords } from '../../testkit/produceRecords';
import { handler as authorizePayment } from '../../functions/authorize-payment/handler';
import { lookupArchive, type ArchivedEvent } from '../../operations/archive/lookupArchive';
import { toRabbitMqTriggerEvent } from '../../emulator/runtime/rabbitMqTriggerEvent';
import { configuredArchive } from '../../shared/archive/configuredArchive';
import { createEnvelope, type Envelope } from '../../shared/envelope/envelope';
import { followUpId } from '../../shared/envelope/followUpId';
import { toAmqpMessage } from '../../shared/envelope/toAmqpMessage';
import { toKafkaMessage } from '../../shared/envelope/toKafkaMessage';
import { WORKFLOW_EXCHANGE } from '../../shared/routes/workflow';
import type { RabbitMqSource } from '../../shared/triggers/rabbitmq/RabbitMqTriggerEvent';
import { startOrder } from '../../shared/workflow/orderSaga';
import { providerIdempotencyKey } from '../../shared/workflow/providers/providerIdempotencyKey';
import { advanceSagas, beginSagas, claimSteps } from '../../shared/workflow/saga/sagaRecords';
import { redisKeys, redisNamespace } from '../../shared/state/redisKeys';
import { actionCount } from '../../shared/workflow/sandbox/sandboxLedger';
import { sandboxPayments } from '../../shared/workflow/sandbox/sandboxProviders';
import { lambdaContextOf } from '../../testkit/lambdaContextOf';
import { takeParked } from '../../testkit/parkingLot';
import { withTestKey } from '../../testkit/testApiKey';
import { waitFor } from '../../testkit/waitUntil';
import { localRuntimeForTests } from '../../testkit/testRuntime';

/**
 * An order is identified by its order id, whatever arrives: re-posted placements (the same content,
 * other content, after the order ended), forged step commands of every wrong kind, a caller claiming
 * a follow-up id, and the crash paths of the saga. Against the real RabbitMQ, Redis and Kafka
 * through the local runtime, with every function as its own Redis and RabbitMQ user; what the
 * sandbox providers really did (their ledger) and what the archive holds are the evidence.
 */
jest.setTimeout(120_000);

const runtime = localRuntimeForTests('oid');
const run = `${Date.now().toString(36)}-${process.pid}`;
let serial = 0;
const orderId = (label: string) => `${label}-${run}-${serial++}`;

const orderData = (id: string, overrides: Record<string, unknown> = {}) => ({
  orderId: id,
  userId: 'u-first',
  amount: 2_500,
  currency: 'EUR',
  paymentToken: 'tok_visa',
  items: [{ sku: 'book-1', qty: 2 }],
  ...overrides,
});

async function post(events: unknown[]): Promise<Response> {
  return fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: JSON.stringify({ events }) });
}

async function place(data: Record<string, unknown>, id?: string): Promise<void> {
  const response = await post([{ type: 'order.placed', ...(id === undefined ? {} : { id }), data }]);
  expect(response.status).toBe(202);
  // Accepted under the id the caller gave, when it gave one.
  const { accepted } = (await response.json()) as { accepted: Array<{ id: string; type: string }> };
  expect(accepted).toEqual([expect.objectContaining({ type: 'order.placed', ...(id === undefined ? {} : { id }) })]);
}

interface OrderView {
  status: string;
  final: boolean;
  steps: Array<{ type: string; eventId: string; details: Record<string, unknown> }>;
}

const readOrder = async (id: string): Promise<OrderView | undefined> => {
  const response = await fetch(`${runtime.url}/orders/${id}`, { headers: withTestKey() });
  return response.status === 200 ? ((await response.json()) as OrderView) : undefined;
};
const finalOrder = (id: string) => waitFor(`order ${id} final`, async () => ((await readOrder(id))?.final === true ? readOrder(id) : undefined));
const stepTypes = (view: OrderView) => view.steps.map((s) => s.type);

/** The archived history of an order once `ready` holds (the archive sink runs a little behind). */
const historyWhen = (key: string, ready: (history: ArchivedEvent[]) => boolean) =>
  waitFor(`archive history of ${key}`, async () => {
    const history = await lookupArchive(configuredArchive(), { key });
    return ready(history) ? history : undefined;
  });
const ofType = (history: ArchivedEvent[], type: string, topic = 'orders') => history.filter((e) => e.topic === topic && e.envelope?.type === type);

/** The start-order-workflow counters on /ops/status (sampled each second by the ops view). */
async function starterCounters(): Promise<{ duplicates: number; deadLettered: number }> {
  const status = (await (await fetch(`${runtime.url}/ops/status`, { headers: withTestKey() })).json()) as { functions: Array<{ function: string; duplicates: number; deadLettered: number }> };
  const starter = status.functions.find((f) => f.function.endsWith('startOrderWorkflow'));
  return { duplicates: starter?.duplicates ?? 0, deadLettered: starter?.deadLettered ?? 0 };
}

/** Publishes a command straight onto the workflow exchange, as a forger with broker access could. */
async function forge(command: Envelope, routingKey = command.type): Promise<void> {
  const connection = await connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  try {
    const channel = await connection.createConfirmChannel();
    const { content, options } = toAmqpMessage(command);
    channel.publish(WORKFLOW_EXCHANGE, routingKey, content, options);
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

const parkedReason = async (queue: string, commandId: string): Promise<string> => {
  const parked = await takeParked(`${queue}.parking-lot`, (m) => m.body.id === commandId, 30_000);
  if (parked === undefined) throw new Error(`command ${commandId} was not parked on ${queue}`);
  return String(parked.headers['x-triplane-reason']);
};

describe('order identity: a saga runs at most once whatever arrives', () => {
  it('should take an order posted twice with the same content (a client retry without an id) as a duplicate', async () => {
    const id = orderId('same');
    const before = await starterCounters();
    await place(orderData(id));
    await finalOrder(id);
    await place(orderData(id));
    await waitFor('the starter to count the second placement as a duplicate', async () => ((await starterCounters()).duplicates > before.duplicates ? true : undefined));
    const history = await historyWhen(id, (h) => ofType(h, 'order.placed').length === 2 && ofType(h, 'order.completed').length === 1);
    expect(ofType(history, 'payment.authorized')).toHaveLength(1);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    expect(await actionCount('shipping', 'shipments', id)).toBe(1);
    const view = (await readOrder(id)) as OrderView;
    expect(stepTypes(view)).toEqual(['order.placed', 'payment.authorized', 'inventory.reserved', 'shipment.scheduled', 'order.completed']);
  });

  it('should refuse an order re-posted with other content, dead-letter it with the reason, and keep the first placement', async () => {
    const id = orderId('other');
    await place(orderData(id));
    const first = await finalOrder(id);
    await place(orderData(id, { userId: 'u-second', amount: 99, items: [{ sku: 'lamp', qty: 9 }] }));
    // The archive sink files each topic's batches on their own: wait for the outcome as well as the dead letter.
    const history = await historyWhen(id, (h) => h.some((e) => e.deadLetteredBy === 'start-order-workflow') && ofType(h, 'order.completed').length === 1 && ofType(h, 'payment.authorized').length > 0);
    const refused = history.find((e) => e.deadLetteredBy === 'start-order-workflow');
    expect(refused?.deadLetterReason).toMatch(new RegExp(`order ${id} was already placed by event \\S+ with other content`));
    expect((refused?.envelope?.data as { userId?: string }).userId).toBe('u-second');
    expect(ofType(history, 'payment.authorized')).toHaveLength(1);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    const view = (await readOrder(id)) as OrderView;
    expect(view.steps.find((s) => s.type === 'order.placed')?.details).toMatchObject({ userId: 'u-first', amount: 2_500, items: [{ sku: 'book-1', qty: 2 }] });
    expect(view).toEqual(first);
  });

  it('should change nothing when a cancelled order is placed again, with a card that would pay', async () => {
    const id = orderId('cancelled');
    await place(orderData(id, { paymentToken: 'tok_decline' }));
    expect((await finalOrder(id)).status).toBe('cancelled');
    await place(orderData(id));
    await historyWhen(id, (h) => h.some((e) => e.deadLetteredBy === 'start-order-workflow'));
    const view = (await readOrder(id)) as OrderView;
    expect(view.status).toBe('cancelled');
    expect(stepTypes(view)).toEqual(['order.placed', 'payment.declined', 'order.cancelled']);
    expect(await actionCount('payment', 'charges', id)).toBe(0);
  });
});

describe('order identity when a saga record was evicted', () => {
  // As an operator (or allkeys-lru) would: the admin connection, not a function's user.
  const admin = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  afterAll(() => admin.quit());
  it('should begin no second saga for an order the view remembers, neither in the starter nor in the record rebuild', async () => {
    const id = orderId('evicted');
    await place(orderData(id));
    await finalOrder(id);
    // allkeys-lru took the record (or it expired); the order view is still there.
    await admin.unlink(redisKeys(redisNamespace()).saga(id));
    await place(orderData(id, { userId: 'u-second', amount: 99 }));
    const history = await historyWhen(id, (h) => h.some((e) => e.deadLetteredBy === 'start-order-workflow'));
    expect(history.find((e) => e.deadLetteredBy === 'start-order-workflow')?.deadLetterReason).toMatch(/its saga record is gone, the order view remembers it/);
    // project-orders saw the same placement and did not write the record back for it either.
    expect(await admin.exists(redisKeys(redisNamespace()).saga(id))).toBe(0);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    expect((await readOrder(id))?.steps.find((s) => s.type === 'order.placed')?.details).toMatchObject({ userId: 'u-first' });
  });
});

describe('order identity: a step carries out only its own, expected command', () => {
  it('should park a command of another type delivered on a step queue, and call no provider', async () => {
    const id = orderId('wrong-type');
    const session = createEnvelope({ type: 'session.started', version: 1, key: id, data: { sessionId: id, userId: 'u' }, source: 'forger' });
    await forge(session, 'payment.authorize');
    expect(await parkedReason('payment.authorize', session.id)).toMatch(/the payment.authorize step carries out payment.authorize commands only, not session.started/);
    expect(await actionCount('payment', 'charges', id)).toBe(0);
    expect(await actionCount('payment', 'charges', '')).toBe(0);
  });

  it('should retry, then park, a command for an order that was never placed (its record could be on its way back from a replay)', async () => {
    const id = orderId('never-placed');
    const command = createEnvelope({ type: 'payment.authorize', version: 1, key: id, data: orderData(id), source: 'forger' });
    await forge(command);
    expect(await parkedReason('payment.authorize', command.id)).toMatch(/failed after 4 attempts: saga of order \S+: no saga record: the order was never placed/);
    expect(await actionCount('payment', 'charges', id)).toBe(0);
  });

  it('should park a step whose predecessor did not happen (a shipment for an order never paid)', async () => {
    const id = orderId('unpaid');
    const placed = createEnvelope({ type: 'order.placed', version: 1, key: id, data: orderData(id), source: 'test' });
    // The saga as the starter begins it; its first command is never delivered, so the order is never paid.
    expect(await beginSagas([{ placed, first: startOrder(placed, 'test') }])).toEqual([{ kind: 'start' }]);
    const shipment = createEnvelope({ type: 'shipment.schedule', version: 1, key: id, data: { ...orderData(id), reservationId: 'res-forged' }, source: 'forger' });
    const reserve = createEnvelope({ type: 'inventory.reserve', version: 1, key: id, data: { ...orderData(id), authorizationId: 'auth-forged' }, source: 'forger' });
    await forge(shipment);
    await forge(reserve);
    expect(await parkedReason('shipment.schedule', shipment.id)).toMatch(/out of order: the saga is at payment.authorize, not shipment.schedule/);
    expect(await parkedReason('inventory.reserve', reserve.id)).toMatch(/out of order: the saga is at payment.authorize, not inventory.reserve/);
    expect(await actionCount('shipping', 'shipments', id)).toBe(0);
    expect(await actionCount('inventory', 'reservations', id)).toBe(0);
  });

  it('should park a second payment command for an order already paid, and one that carries another order', async () => {
    const id = orderId('paid-once');
    await place(orderData(id));
    await finalOrder(id);
    const again = createEnvelope({ type: 'payment.authorize', version: 1, key: id, data: orderData(id), source: 'forger' });
    const altered = createEnvelope({ type: 'payment.authorize', version: 1, key: id, data: orderData(id, { amount: 1 }), source: 'forger' });
    await forge(again);
    await forge(altered);
    expect(await parkedReason('payment.authorize', again.id)).toMatch(/step already carried out by command \S+\.wf/);
    expect(await parkedReason('payment.authorize', altered.id)).toMatch(/the command carries another order than the one placed/);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
  });
});

describe('order identity: follow-up ids and crash paths', () => {
  it("should refuse a caller who claims an order's future follow-up id, and then run that order as usual", async () => {
    const id = orderId('claimed');
    const placedId = `placed-${id}`;
    const authorizedId = followUpId(followUpId(placedId, 'payment.authorize'), 'payment.authorized');
    const squat = await post([{ type: 'page.viewed', id: authorizedId, data: { userId: 'squatter', path: '/' } }]);
    expect(squat.status).toBe(400);
    expect(await squat.json()).toMatchObject({ errors: [{ field: 'events[0].id', reason: expect.stringMatching(/reserved for events the workflow makes/) }] });
    await place(orderData(id), placedId);
    const view = await finalOrder(id);
    expect(view.status).toBe('completed');
    expect(view.steps.find((s) => s.type === 'payment.authorized')?.eventId).toBe(authorizedId);
  });

  it('should charge once when a step crashed between its provider call and its ack, and is delivered again', async () => {
    const id = orderId('crash-provider');
    const placed = createEnvelope({ type: 'order.placed', version: 1, key: id, data: orderData(id), source: 'test' });
    const command = startOrder(placed, 'test');
    await beginSagas([{ placed, first: command }]);
    // The first delivery's work up to the crash: the step claimed, the card charged, nothing published or acked.
    expect(await claimSteps([command])).toEqual([{ kind: 'claimed' }]);
    await sandboxPayments.authorize({ orderId: id, amount: 2_500, currency: 'EUR', paymentToken: 'tok_visa', idempotencyKey: providerIdempotencyKey(command as Envelope<{ orderId: string }>) });
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    const { content, options } = toAmqpMessage(command);
    const redelivered = { content, fields: { redelivered: true }, properties: { ...options, deliveryMode: 2 } } as unknown as ConsumeMessage;
    const summary = await authorizePayment(toRabbitMqTriggerEvent('arn:aws:mq:local', 'payment.authorize', 'triplane-test', [redelivered]), lambdaContextOf<RabbitMqSource>('authorize-payment'));
    expect(summary).toMatchObject({ received: 1, processed: 1, deadLettered: 0 });
    expect((await finalOrder(id)).status).toBe('completed');
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    expect(await actionCount('shipping', 'shipments', id)).toBe(1);
  });

  it('should publish the same follow-ups when a step crashed after moving its saga on, before publishing', async () => {
    const id = orderId('crash-advance');
    const placed = createEnvelope({ type: 'order.placed', version: 1, key: id, data: orderData(id), source: 'test' });
    const command = startOrder(placed, 'test');
    await beginSagas([{ placed, first: command }]);
    await claimSteps([command]);
    await sandboxPayments.authorize({ orderId: id, amount: 2_500, currency: 'EUR', paymentToken: 'tok_visa', idempotencyKey: providerIdempotencyKey(command as Envelope<{ orderId: string }>) });
    const reserveId = followUpId(command.id, 'inventory.reserve');
    await advanceSagas([{ command, next: { ...command, type: 'inventory.reserve', id: reserveId } }]);
    const { content, options } = toAmqpMessage(command);
    const redelivered = { content, fields: { redelivered: true }, properties: { ...options, deliveryMode: 2 } } as unknown as ConsumeMessage;
    await authorizePayment(toRabbitMqTriggerEvent('arn:aws:mq:local', 'payment.authorize', 'triplane-test', [redelivered]), lambdaContextOf<RabbitMqSource>('authorize-payment'));
    expect((await finalOrder(id)).status).toBe('completed');
    expect(await actionCount('payment', 'charges', id)).toBe(1);
  });

  it('should publish the first command again when the starter crashed after writing the saga record', async () => {
    const id = orderId('crash-starter');
    const placed = createEnvelope({ type: 'order.placed', version: 1, key: id, data: orderData(id), source: 'test' });
    // The starter's first try: the record written, then a crash before the broker confirmed the command.
    await beginSagas([{ placed, first: startOrder(placed, 'test') }]);
    await produceRecords('orders', [toKafkaMessage(placed)]);
    const view = await finalOrder(id);
    expect(view.status).toBe('completed');
    expect(await actionCount('payment', 'charges', id)).toBe(1);
  });
});
