import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { lookupArchive } from '../../operations/archive/lookupArchive';
import { verifyArchive } from '../../operations/archive/verifyArchive';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { waitCaughtUp } from '../../shared/kafka/consumerLag';
import { replayProjections } from '../../operations/replay/replayProjections';
import { FUNCTIONS, subscriptionsOf } from '../../shared/routes/functionCatalog';
import { startLocalRuntime, type LocalRuntime } from '../../emulator/runtime/startLocalRuntime';
import { configuredArchive } from '../../shared/archive/configuredArchive';
import { PROJECTIONS, currentGeneration, generationNamespace } from '../../shared/state/projectionKeys';
import { redisKeys } from '../../shared/state/redisKeys';
import { actionCount, failuresLeft, injectFailures } from '../../shared/workflow/sandbox/sandboxLedger';
import { projectionSnapshot } from '../../testkit/projectionSnapshot';
import { withTestKey } from '../../testkit/testApiKey';
import { sleep, waitFor } from '../../testkit/waitUntil';
import { WORKFLOW_STEPS } from '../../shared/routes/workflow';

/**
 * Kafka as the source of truth, checked: the audit archive holds every record exactly once (and a
 * missing object is caught), the archive answers "what happened to this order", and Redis rebuilt from
 * Kafka equals what it was, while reads never see a half-built projection.
 */
jest.setTimeout(180_000);

const run = `${Date.now().toString(36)}${process.pid}`;
const namespace = `tpreplay${run}`;
process.env.TRIPLANE_REDIS_NAMESPACE = namespace;
const groupSuffix = `-ar-${run}`;
const brokers = () => (process.env.KAFKA_BROKERS ?? '').split(',');
let runtime: LocalRuntime;
let redis: Redis;

const post = async (events: unknown[]) => {
  const response = await fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: JSON.stringify({ events }) });
  expect(response.status).toBe(202);
  expect(((await response.json()) as { accepted: unknown[] }).accepted).toHaveLength(events.length);
};
const getJson = async (path: string) => {
  const response = await fetch(`${runtime.url}${path}`, { headers: withTestKey() });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const orderId = `ord-${run}`;
const board = `board-${run}`;

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  runtime = await startLocalRuntime({ port: 0, groupIdSuffix: groupSuffix, log: () => undefined });
  await post([
    { type: 'session.started', data: { sessionId: `s1-${run}`, userId: 'ann', ttlSeconds: 3600 } },
    { type: 'session.started', data: { sessionId: `s2-${run}`, userId: 'bob' } },
    { type: 'session.touched', data: { sessionId: `s1-${run}` } },
    { type: 'session.ended', data: { sessionId: `s2-${run}` } },
    { type: 'flag.set', data: { name: `flag-${run}`, enabled: true } },
    { type: 'flag.set', version: 2, data: { name: `flag2-${run}`, enabled: false, rollout: 0 } },
    ...Array.from({ length: 30 }, (_, i) => ({ type: 'score.recorded', data: { board, userId: `u${i % 7}`, points: i } })),
    ...Array.from({ length: 12 }, (_, i) => ({ type: 'page.viewed', data: { userId: `viewer-${run}`, path: `/p${i}` } })),
    { type: 'order.placed', data: { orderId, userId: 'ann', amount: 1_000, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'a', qty: 1 }] } },
    { type: 'order.placed', data: { orderId: `${orderId}-oos`, userId: 'bob', amount: 1_000, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'oos-a', qty: 1 }] } },
  ]);
  await waitFor('orders final', async () => {
    const [a, b] = await Promise.all([getJson(`/orders/${orderId}`), getJson(`/orders/${orderId}-oos`)]);
    return a.body.final === true && b.body.final === true ? true : undefined;
  });
  await waitFor('projections', async () => ((await getJson(`/users/viewer-${run}/activity`)).body.pageViews === 12 ? true : undefined));
}, 90_000);

afterAll(async () => {
  await (runtime as LocalRuntime | undefined)?.stop();
  for (const projection of PROJECTIONS) {
    const generation = await currentGeneration(redis, namespace, projection);
    const keys = await redis.keys(`${generationNamespace(namespace, projection, generation)}:*`);
    if (keys.length > 0) await redis.unlink(...keys);
  }
  const pointers = await redis.keys(`${namespace}:*`);
  if (pointers.length > 0) await redis.unlink(...pointers);
  await redis.quit();
});

/**
 * The records this file itself puts in Kafka: the 50 events posted, plus 4 outcomes of each order's
 * saga (paid: authorized, reserved, scheduled, completed; out of stock: authorized, unavailable,
 * refunded, cancelled). Other test files write to the same topics, so the archive may hold more.
 */
const OWN_RECORDS = 58;

const sagaKey = (id: string) => redisKeys(namespace).saga(id);
/** Every saga record of the namespace, by order id. */
async function sagaRecords(): Promise<Record<string, Record<string, string>>> {
  const keys = await redis.keys(sagaKey('*'));
  return Object.fromEntries(await Promise.all(keys.map(async (key) => [key.slice(sagaKey('').length), await redis.hgetall(key)] as const)));
}
/**
 * The saga records once no step moves any of them: orders that earlier test files' runtimes left in
 * flight (placed through the shared topics, their commands still on the shared workflow queues or in a
 * delay queue) move on under this file's runtime meanwhile, and a step moves its saga on before it
 * publishes the outcome, so a record caught mid-way would not match what the topic then holds. Quiet
 * for longer than the longest retry delay means nothing is left on its way.
 */
async function settledSagaRecords(): Promise<Record<string, Record<string, string>>> {
  const quietMs = Math.max(...WORKFLOW_STEPS.flatMap((s) => s.retryDelaysMs)) + 2_000;
  const deadline = Date.now() + 120_000;
  let last = JSON.stringify(await sagaRecords());
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    if (Date.now() > deadline) throw new Error('saga records still moving after 120 s');
    await sleep(500);
    const now = JSON.stringify(await sagaRecords());
    if (now !== last) [last, quietSince] = [now, Date.now()];
  }
  return JSON.parse(last) as Record<string, Record<string, string>>;
}
const archivedCount = (report: { partitions: Array<{ archived: number }> }) => report.partitions.reduce((n, p) => n + p.archived, 0);

describe('audit archive', () => {
  it('should prove the archive complete, then report a deleted object as a gap', async () => {
    const store = configuredArchive();
    const report = await waitFor('the archive to catch up', async () => {
      const r = await verifyArchive({ brokers: brokers(), store, groupSuffix });
      const everything = r.partitions.every((p) => p.to >= 0) && r.partitions.some((p) => p.topic === 'orders' && p.archived > 0);
      return r.ok && everything && archivedCount(r) >= OWN_RECORDS ? r : undefined;
    });
    expect(report.partitions.every((p) => p.gaps.length === 0 && p.duplicates.length === 0)).toBe(true);
    expect(archivedCount(report)).toBeGreaterThanOrEqual(OWN_RECORDS);

    const [victim] = await store.list('orders/');
    expect(victim).toBeDefined();
    const body = (await store.get(victim ?? '')) ?? '';
    const offsets = body
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { offset: number }).offset);
    await store.delete(victim ?? '');
    try {
      const broken = await verifyArchive({ brokers: brokers(), store, groupSuffix });
      expect(broken.ok).toBe(false);
      const partition = Number(victim?.split('/')[1]);
      expect(broken.partitions.find((p) => p.topic === 'orders' && p.partition === partition)?.gaps).toContainEqual({ from: Math.min(...offsets), to: Math.max(...offsets) });
      // The command says so too, and exits non-zero.
      const cli = await promisify(execFile)('npx', ['tsx', join(__dirname, '..', '..', 'operations', 'archive', 'archiveCommand.ts'), 'verify', '--group-suffix', groupSuffix], {
        env: process.env,
      }).then(
        () => ({ code: 0, stdout: '' }),
        (error: unknown) => ({ code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout }),
      );
      expect(cli.code).toBe(1);
      expect(cli.stdout).toMatch(/GAPS FOUND/);
    } finally {
      await store.put(victim ?? '', body);
    }
  });

  it('should print the whole history of an order from the archive, in order', async () => {
    const history = await lookupArchive(configuredArchive(), { key: orderId });
    expect(history.map((e) => e.envelope?.type)).toEqual(['order.placed', 'payment.authorized', 'inventory.reserved', 'shipment.scheduled', 'order.completed']);
    const placed = history[0]?.envelope;
    expect((await lookupArchive(configuredArchive(), { eventId: placed?.id ?? '' })).map((e) => e.envelope?.type)).toEqual(['order.placed']);
    expect(await lookupArchive(configuredArchive(), { correlationId: placed?.correlationId ?? '' })).toHaveLength(5);
  });
});

describe('replay', () => {
  it('should rebuild, after Redis lost everything, the same state key by key', async () => {
    // The live projections first finish everything the topics hold (earlier runs' events included).
    const admin = localKafkaClient(brokers(), 'test').admin();
    const projectionsCaughtUp = async () => {
      for (const fn of FUNCTIONS.filter((f) => f.projection !== undefined && f.trigger.kind === 'msk')) {
        for (const { topic, consumerGroupId } of subscriptionsOf(fn)) await waitCaughtUp(admin, `${consumerGroupId}${groupSuffix}`, topic);
      }
    };
    await projectionsCaughtUp();
    const sagasBefore = await settledSagaRecords();
    // Outcomes published while the sagas settled are projected too before the snapshot.
    await projectionsCaughtUp();
    await admin.close();
    const before = await projectionSnapshot(redis, namespace);
    // Both orders of this file, ended: paid and shipped, and refunded for want of stock.
    expect(sagasBefore[orderId]).toMatchObject({ expect: 'done', 'took:shipment.schedule': expect.stringMatching(/\.wf$/) });
    expect(sagasBefore[`${orderId}-oos`]).toMatchObject({ expect: 'done', 'took:payment.refund': expect.stringMatching(/\.wf$/) });
    // This run's own keys at least (other test files' events in the shared topics add more when they ran first):
    // session s1 (s2 ended), the flags hash, the board, the viewer's activity and day bucket, two orders.
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(7);
    const all = await redis.keys(`${namespace}:*`);
    await redis.unlink(...all);
    expect((await getJson(`/orders/${orderId}`)).status).toBe(404);

    await replayProjections({ projections: [...PROJECTIONS], brokers: brokers(), redis, namespace, log: () => undefined, graceMs: 200 });

    expect(await projectionSnapshot(redis, namespace)).toEqual(before);
    // The saga records come back too, field by field (rule 2: rebuildable from the orders topic).
    expect(await sagaRecords()).toEqual(sagasBefore);
    expect((await getJson(`/orders/${orderId}`)).body).toMatchObject({ status: 'completed' });
  });

  it('should finish, exactly once, an order whose saga record Redis lost mid-way, once a replay rebuilt it', async () => {
    const id = `mid-${run}`;
    // Its shipment fails three times: after the third it waits out the longest delay queue (8 s), and
    // that is when Redis loses its saga record.
    await injectFailures('shipping', id, 3);
    await post([{ type: 'order.placed', data: { orderId: id, userId: 'cy', amount: 700, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'a', qty: 1 }] } }]);
    await waitFor('the third shipment failure', async () => ((await failuresLeft('shipping', id)) === 0 && (await redis.hget(sagaKey(id), 'took:shipment.schedule')) !== null ? true : undefined));
    await redis.unlink(sagaKey(id));
    await replayProjections({ projections: ['orders'], brokers: brokers(), redis, namespace, log: () => undefined, graceMs: 200 });
    expect(await redis.hget(sagaKey(id), 'expect')).toMatch(/^(shipment\.schedule|done)$/);
    await waitFor('the order completed', async () => ((await getJson(`/orders/${id}`)).body.status === 'completed' ? true : undefined));
    expect(await actionCount('shipping', 'shipments', id)).toBe(1);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
  });

  it('should keep reads on the complete old state until the new one has caught up, then switch', async () => {
    const expected = (await getJson(`/leaderboards/${board}?limit=100`)).body.entries;
    expect(Array.isArray(expected) && expected.length).toBe(7);
    const generation = await currentGeneration(redis, namespace, 'leaderboards');
    // Every other projection, which this replay must leave exactly as it is.
    const others = async () => Object.fromEntries(Object.entries(await projectionSnapshot(redis, namespace)).filter(([key]) => !key.startsWith('leaderboard:')));
    const othersBefore = await others();
    expect(Object.keys(othersBefore).length).toBeGreaterThan(5);
    let reads = 0;
    let wrong = 0;
    const replay = { running: true };
    const reader = (async () => {
      while (replay.running) {
        const { body } = await getJson(`/leaderboards/${board}?limit=100`);
        reads++;
        if (JSON.stringify(body.entries) !== JSON.stringify(expected)) wrong++;
      }
    })();
    await replayProjections({ projections: ['leaderboards'], brokers: brokers(), redis, namespace, log: () => undefined, graceMs: 200 });
    replay.running = false;
    await reader;
    expect(reads).toBeGreaterThan(10);
    expect(wrong).toBe(0);
    expect(await currentGeneration(redis, namespace, 'leaderboards')).toBe(generation + 1);
    expect(await redis.keys(`${generationNamespace(namespace, 'leaderboards', generation)}:*`)).toEqual([]);
    expect(await others()).toEqual(othersBefore);
  });
});
