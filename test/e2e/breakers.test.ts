import { Redis } from 'ioredis';
import type { KafkaAdminPort } from '../../shared/kafka/KafkaPort';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { produceRecords } from '../../testkit/produceRecords';
import { startLocalRuntime, type LocalRuntime } from '../../emulator/runtime/startLocalRuntime';
import type { DownstreamName, DownstreamStatus } from '../../shared/resilience/downstream';
import { generationNamespace } from '../../shared/state/projectionKeys';
import { redisKeys } from '../../shared/state/redisKeys';
import { actionCount, injectFailures } from '../../shared/workflow/sandbox/sandboxLedger';
import { withTestKey } from '../../testkit/testApiKey';
import { startRedisServer, type RedisServerProcess } from '../../tools/redis/redisServer';

/**
 * Cascading-failure guards on the real servers. Redis here is a private redis-server of this test,
 * frozen with SIGSTOP (a Redis that stops answering, the worst kind) and thawed with SIGCONT; Kafka
 * faults are the broker's own refusal: the `scores` topic's max.message.bytes lowered to 1, so every produce
 * is answered MESSAGE_TOO_LARGE (not retriable) until the override is removed; provider faults from the sandbox.
 */
jest.setTimeout(120_000);

const REDIS_PORT = 6391;
const run = `${Date.now().toString(36)}${process.pid}`;
process.env.REDIS_URL = `redis://127.0.0.1:${REDIS_PORT}`;
const namespace = `tpbreak${run}`;
process.env.TRIPLANE_REDIS_NAMESPACE = namespace;
let redisServer: RedisServerProcess | undefined;
let runtime: LocalRuntime;
let redis: Redis;
const board = `board-${run}`;

const post = (events: unknown[]) => fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: JSON.stringify({ events }) });

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

/**
 * A function's guard of a downstream, as its worker keeps it: each function runs in a worker of its own,
 * as each Lambda function in containers of its own. Before its first call the guard has no figures yet.
 */
async function guardOf(fn: string, name: DownstreamName): Promise<DownstreamStatus> {
  const own = (await runtime.functionFigures()).find((figures) => figures.function === `triplane-local-${fn}`);
  return own?.breakers.find((guard) => guard.name === name) ?? { name, state: 'closed', stateChangedAt: '', calls: 0, failures: 0, timeouts: 0, refused: 0, denied: 0 };
}
const leaderboardRedis = () => guardOf('getLeaderboard', 'redis');
const ingestKafka = () => guardOf('ingestEvents', 'kafka');
const shipping = () => guardOf('scheduleShipment', 'shipping');

const boardTotal = async () =>
  (await redis.zrange(redisKeys(generationNamespace(namespace, 'leaderboards', 0)).leaderboard(board), '0', '-1', 'WITHSCORES')).reduce((sum, v, i) => (i % 2 === 1 ? sum + Number(v) : sum), 0);

beforeAll(async () => {
  redisServer = await startRedisServer(REDIS_PORT, ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
  redis = new Redis(REDIS_PORT, '127.0.0.1', { maxRetriesPerRequest: 50 });
  runtime = await startLocalRuntime({ port: 0, groupIdSuffix: `-br-${run}`, log: () => undefined });
}, 60_000);

afterAll(async () => {
  redisServer?.thaw();
  await (runtime as LocalRuntime | undefined)?.stop();
  await (redis as Redis | undefined)?.quit();
  await redisServer?.kill();
});

describe('when Redis stops answering', () => {
  it('should open the Redis breaker, answer reads 503 fast, then recover with nothing lost or doubled', async () => {
    const scores = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ type: 'score.recorded', data: { board, userId: `u${(from + i) % 5}`, points: from + i } }));
    expect((await post(scores(1, 20))).status).toBe(202);
    await until('first scores projected', async () => (await boardTotal()) === 210);

    redisServer?.freeze();
    try {
      // Reads while Redis hangs: the first ones wait out the Redis timeout, then the breaker opens.
      const read = () => fetch(`${runtime.url}/leaderboards/${board}`, { headers: withTestKey() }).then((r) => ({ status: r.status, retryAfter: r.headers.get('retry-after') }));
      const opening = [];
      for (let i = 0; i < 10; i++) opening.push(await read());
      expect(opening.every((r) => r.status === 503)).toBe(true);
      expect((await leaderboardRedis()).state).toBe('open');
      // Another function's Redis guard is its own: its call is tried (and times out), not refused by
      // getLeaderboard's open breaker, and one failure leaves its breaker closed.
      expect((await fetch(`${runtime.url}/orders/iso-${run}`, { headers: withTestKey() })).status).toBe(503);
      const other = await guardOf('getOrder', 'redis');
      expect(other).toMatchObject({ state: 'closed', refused: 0 });
      expect(other.timeouts + other.failures).toBeGreaterThan(0);
      // Then answered from the open breaker, without a Redis call: counted as refused. Only the
      // breaker's half-open trial (one per second of outage) may still wait out the 1 s timeout.
      const before = await leaderboardRedis();
      const later = [];
      for (let i = 0; i < 30; i++) later.push(await read());
      const after = await leaderboardRedis();
      expect(later.every((r) => r.status === 503 && r.retryAfter !== null)).toBe(true);
      expect(after.refused - before.refused).toBeGreaterThanOrEqual(25);
      expect(after.refused - before.refused + (after.timeouts - before.timeouts)).toBeGreaterThanOrEqual(30);
      // Writes still go to Kafka; their projection fails fast and is retried with offsets uncommitted.
      expect((await post(scores(21, 20))).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    } finally {
      redisServer?.thaw();
    }

    await until('reads to recover', async () => (await fetch(`${runtime.url}/leaderboards/${board}`, { headers: withTestKey() })).status === 200);
    // 1 + 2 + ... + 40: every score applied exactly once across the outage.
    await until('all scores projected once', async () => (await boardTotal()) === 820);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await boardTotal()).toBe(820);
    expect((await leaderboardRedis()).state).toBe('closed');
  });
});

async function refuseProduce(admin: KafkaAdminPort, maxMessageBytes: string | null): Promise<void> {
  await admin.alterTopicConfigs('scores', { 'max.message.bytes': maxMessageBytes });
  if (maxMessageBytes === null) return;
  // The broker applies a topic override from the metadata log, a moment after the controller took it:
  // a probe (a keyed empty record, dead-lettered by the projection as any undecodable record) shows when.
  await until('the broker to refuse produce requests', () =>
    produceRecords('scores', [{ key: 'breakers-probe', value: null }]).then(
      () => false,
      () => true,
    ),
  );
}

describe('when Kafka refuses produce requests', () => {
  it('should open the Kafka breaker and answer ingest 503 at once, then accept again, each event applied once', async () => {
    const admin = localKafkaClient((process.env.KAFKA_BROKERS ?? '').split(','), `breakers-${run}`).admin();
    const kafkaBoard = `kboard-${run}`;
    const event = (i: number) => ({ type: 'score.recorded', id: `k-${run}-${i}`, data: { board: kafkaBoard, userId: 'ann', points: i } });
    // MESSAGE_TOO_LARGE is not retriable, so each send fails at once.
    await refuseProduce(admin, '1');
    const refused: number[] = [];
    const refusedBefore = (await ingestKafka()).refused;
    try {
      for (let i = 1; i <= 30; i++) {
        const response = await post([event(i)]);
        expect(response.status).toBe(503);
        // Retryable, with the id to send again and when.
        expect(await response.json()).toMatchObject({ retryable: true, ids: [`k-${run}-${i}`] });
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        refused.push(i);
      }
      // Refused by ingest's breaker without a produce request: most of the 30 never reached Kafka at all.
      expect((await ingestKafka()).refused - refusedBefore).toBeGreaterThanOrEqual(20);
    } finally {
      await refuseProduce(admin, null);
      await admin.close();
    }
    // The client retries every refused event with the same id once the breaker lets a trial through.
    await until('ingest to accept again', async () => (await post([event(1)])).status === 202);
    for (const i of refused) expect((await post([event(i)])).status).toBe(202);
    const total = (30 * 31) / 2;
    await until('retried events projected', async () => {
      const flat = await redis.zrange(redisKeys(generationNamespace(namespace, 'leaderboards', 0)).leaderboard(kafkaBoard), '0', '-1', 'WITHSCORES');
      return Number(flat[1] ?? 0) === total;
    });
    expect((await ingestKafka()).state).toBe('closed');
  });
});

describe('when a provider keeps failing', () => {
  it('should open its breaker and park commands in the delay queue instead of calling it, then finish every order once', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `brk-${run}-${i}`);
    for (const id of ids) await injectFailures('shipping', id, 2);
    const response = await post(
      ids.map((orderId) => ({ type: 'order.placed', data: { orderId, userId: 'u', amount: 100, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'a', qty: 1 }] } })),
    );
    expect(response.status).toBe(202);
    await until('shipping breaker to open', async () => (await shipping()).state !== 'closed', 30_000);
    await until(
      'every order completed',
      async () => {
        const views = await Promise.all(ids.map((id) => fetch(`${runtime.url}/orders/${id}`, { headers: withTestKey() }).then((r) => r.json() as Promise<{ status?: string }>)));
        return views.every((v) => v.status === 'completed');
      },
      90_000,
    );
    for (const id of ids) {
      expect(await actionCount('shipping', 'shipments', id)).toBe(1);
      expect(await actionCount('payment', 'charges', id)).toBe(1);
    }
    expect((await shipping()).refused).toBeGreaterThan(0);
  });
});
