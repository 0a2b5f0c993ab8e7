import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asConsumedRecord } from '../../shared/kafka/asConsumedRecord';
import { createEnvelope, type Envelope } from '../../shared/envelope/envelope';
import type { OrderCommand } from '../../shared/envelope/eventCatalog';
import { nextAfter, startOrder } from '../../shared/workflow/orderSaga';
import { toKafkaMessage } from '../../shared/envelope/toKafkaMessage';
import type { ConsumeMessage } from 'amqplib';
import { toAmqpMessage } from '../../shared/envelope/toAmqpMessage';
import { toHttpApiEvent } from '../runtime/httpApiEvent';
import { toRabbitMqTriggerEvent } from '../runtime/rabbitMqTriggerEvent';
import { toKafkaTriggerEvent, toKafkaTriggerRecord } from '../runtime/kafkaTriggerEvent';
import { PROJECT_ROOT } from '../services/localPaths';

/**
 * Writes events/: one sample event per function trigger, in the exact shape AWS delivers, so
 * `npm run invoke -- FUNCTION events/FILE.json` and `serverless invoke local` can run any function.
 */
const time = new Date('2026-01-15T10:00:00.000Z');
const ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/triplane/0b4d-1';
const BOOTSTRAP = 'b-1.triplane.kafka.us-east-1.amazonaws.com:9098,b-2.triplane.kafka.us-east-1.amazonaws.com:9098';

type SampleEvent = { id: string; type: string; version?: number; key: string; data: Record<string, unknown> };

const sampleEnvelope = (e: SampleEvent): Envelope<Record<string, unknown>> => createEnvelope({ ...e, version: e.version ?? 1, source: 'sample', time });

function kafkaEvent(topic: string, events: Array<SampleEvent | Envelope<Record<string, unknown>>>) {
  const records = events.map((e, offset) => {
    const message = toKafkaMessage('source' in e ? e : sampleEnvelope(e));
    return toKafkaTriggerRecord(topic, 0, asConsumedRecord(message, BigInt(offset), BigInt(time.getTime())));
  });
  return toKafkaTriggerEvent(ARN, BOOTSTRAP, records);
}

const MQ_ARN = 'arn:aws:mq:us-east-1:123456789012:broker:triplane:b-9bcfa592-423a-4942-879d-eb284b418fc8';

function rabbitMqEvent(command: Envelope) {
  const { content, options } = toAmqpMessage(command);
  const message = { content, fields: { redelivered: false }, properties: { ...options, deliveryMode: 2 } } as unknown as ConsumeMessage;
  return toRabbitMqTriggerEvent(MQ_ARN, command.type, '/', [message]);
}

/**
 * Two sample orders, made by the saga's own functions (startOrder, nextAfter), so their ids chain as
 * the workflow's do and the saga records that project-orders writes from the orders sample let each
 * step's sample command through: order 1 is paid (its reserve and ship commands are next), order 2
 * found no stock (its refund is next). Dated like every sample, so regenerating changes nothing.
 */
const dated = <T extends Envelope<Record<string, unknown>>>(e: T): T => ({ ...e, time: time.toISOString() });
const placedOrder = (n: number) =>
  sampleEnvelope({
    id: `01KSAMPLE000000000000000${n === 1 ? '8' : 'H'}`,
    type: 'order.placed',
    key: `order-sample-${n}`,
    data: { orderId: `order-sample-${n}`, userId: 'user-sample-1', amount: 4_999, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'book-1', qty: 1 }] },
  });
function sampleSaga(n: number, reserved: boolean) {
  const placed = placedOrder(n);
  const authorize = dated(startOrder(placed, 'sample'));
  const paid = nextAfter(authorize as Envelope<OrderCommand>, { kind: 'authorized', authorizationId: `auth-sample-${n}` }, 'sample');
  const reserve = dated(paid.commands[0] as Envelope<Record<string, unknown>>);
  const stock = nextAfter(reserve as Envelope<OrderCommand>, reserved ? { kind: 'reserved', reservationId: `res-sample-${n}` } : { kind: 'unavailable', skus: ['book-1'] }, 'sample');
  return { placed, authorize, paid: paid.events.map(dated), reserve, stock: stock.events.map(dated), next: dated(stock.commands[0] as Envelope<Record<string, unknown>>) };
}
const paidOrder = sampleSaga(1, true);
const outOfStockOrder = sampleSaga(2, false);

function httpEvent(method: string, path: string, routeKey: string, pathParameters: Record<string, string>, body?: unknown) {
  const raw = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  return toHttpApiEvent(
    { method, url: path, headers: { host: 'api.example.com', 'content-type': 'application/json', 'user-agent': 'curl/8.5.0' }, body: raw, sourceIp: '203.0.113.7' },
    routeKey,
    pathParameters,
    time,
    // Derived from the route, so regenerating the samples leaves them unchanged.
    sampleRequestId(routeKey),
  );
}

function sampleRequestId(routeKey: string): string {
  const hex = createHash('sha256').update(routeKey).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const samples: Record<string, unknown> = {
  'ingest-events.json': httpEvent(
    'POST',
    '/events',
    'POST /events',
    {},
    {
      events: [
        { type: 'session.started', data: { sessionId: 'sess-live-1', userId: 'user-live-1', ttlSeconds: 3600 } },
        { type: 'score.recorded', data: { board: 'weekly', userId: 'user-live-1', points: 42 } },
        { type: 'page.viewed', data: { userId: 'user-live-1', path: '/pricing' } },
      ],
    },
  ),
  'project-sessions.json': kafkaEvent('sessions', [
    { id: '01KSAMPLE0000000000000001', type: 'session.started', key: 'sess-sample-1', data: { sessionId: 'sess-sample-1', userId: 'user-sample-1', ttlSeconds: 3600 } },
    { id: '01KSAMPLE0000000000000002', type: 'session.touched', key: 'sess-sample-1', data: { sessionId: 'sess-sample-1' } },
  ]),
  'project-flags.json': kafkaEvent('flags', [
    { id: '01KSAMPLE0000000000000003', type: 'flag.set', key: 'new-checkout', data: { name: 'new-checkout', enabled: true } },
    { id: '01KSAMPLE0000000000000004', type: 'flag.set', version: 2, key: 'dark-mode', data: { name: 'dark-mode', enabled: true, rollout: 25 } },
  ]),
  'project-leaderboards.json': kafkaEvent('scores', [
    { id: '01KSAMPLE0000000000000005', type: 'score.recorded', key: 'user-sample-1', data: { board: 'weekly', userId: 'user-sample-1', points: 42 } },
    { id: '01KSAMPLE0000000000000006', type: 'score.recorded', key: 'user-sample-2', data: { board: 'weekly', userId: 'user-sample-2', points: 17 } },
  ]),
  'project-activity.json': kafkaEvent('activity', [{ id: '01KSAMPLE0000000000000007', type: 'page.viewed', key: 'user-sample-1', data: { userId: 'user-sample-1', path: '/pricing' } }]),
  'project-orders.json': kafkaEvent('orders', [paidOrder.placed, ...paidOrder.paid, outOfStockOrder.placed, ...outOfStockOrder.paid, ...outOfStockOrder.stock]),
  // The same record of the orders topic as project-orders' first: both functions read that topic.
  'start-order-workflow.json': kafkaEvent('orders', [paidOrder.placed]),
  'authorize-payment.json': rabbitMqEvent(paidOrder.authorize),
  'reserve-inventory.json': rabbitMqEvent(paidOrder.reserve),
  'schedule-shipment.json': rabbitMqEvent(paidOrder.next),
  'refund-payment.json': rabbitMqEvent(outOfStockOrder.next),
  'archive-events.json': kafkaEvent('sessions', [
    { id: '01KSAMPLE000000000000000F', type: 'session.started', key: 'sess-sample-9', data: { sessionId: 'sess-sample-9', userId: 'user-sample-9' } },
    { id: '01KSAMPLE000000000000000G', type: 'session.ended', key: 'sess-sample-9', data: { sessionId: 'sess-sample-9' } },
  ]),
  'get-order.json': httpEvent('GET', '/orders/order-sample-1', 'GET /orders/{orderId}', { orderId: 'order-sample-1' }),
  // A CloudFormation custom resource request; ResponseURL is where CloudFormation waits for the answer.
  'declare-workflow-topology.json': {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:triplane-dev-declareWorkflowTopology',
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/sample',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/triplane-dev/5b5c8a70-0000-11ef-0000-0a1b2c3d4e5f',
    RequestId: '6f5d3c1e-0000-4000-8000-000000000001',
    ResourceType: 'Custom::WorkflowTopology',
    LogicalResourceId: 'WorkflowTopology',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:triplane-dev-declareWorkflowTopology', TopologyVersion: 'sample' },
  },
  'get-session.json': httpEvent('GET', '/sessions/sess-sample-1', 'GET /sessions/{sessionId}', { sessionId: 'sess-sample-1' }),
  'list-flags.json': httpEvent('GET', '/flags', 'GET /flags', {}),
  'get-flag.json': httpEvent('GET', '/flags/new-checkout', 'GET /flags/{name}', { name: 'new-checkout' }),
  'get-leaderboard.json': httpEvent('GET', '/leaderboards/weekly?limit=5', 'GET /leaderboards/{board}', { board: 'weekly' }),
  'get-user-activity.json': httpEvent('GET', '/users/user-sample-1/activity', 'GET /users/{userId}/activity', { userId: 'user-sample-1' }),
  'get-openapi.json': httpEvent('GET', '/openapi.json', 'GET /openapi.json', {}),
};

const dir = join(PROJECT_ROOT, 'events');
mkdirSync(dir, { recursive: true });
for (const [file, event] of Object.entries(samples)) writeFileSync(join(dir, file), `${JSON.stringify(event, null, 2)}\n`);
console.log(`wrote ${Object.keys(samples).length} sample events to ${dir}`);
