import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localConfig } from '../../../../emulator/config/localConfig';
import { startOpsView, type OpsView } from '../../../../emulator/ops/opsView';
import { localKafka } from '../../../../emulator/runtime/localKafka';

/**
 * The ops view's pace against the real Kafka, RabbitMQ and Redis, on a fast clock: each sample asks the
 * functions' figures once, so the calls count the samples.
 */
jest.setTimeout(60_000);

const pace = { intervalMs: 100, idleIntervalMs: 3_000, watchMs: 500, freshWaitMs: 2_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let view: OpsView;
let server: Server;
let url: string;
let samples = 0;

beforeAll(async () => {
  const config = localConfig();
  view = await startOpsView({
    brokers: (await localKafka()).brokers,
    redisUrl: config.REDIS_URL,
    rabbitMqUrl: config.RABBITMQ_URL ?? '',
    namespace: `tptest-opsview-${process.pid}`,
    groupSuffix: `-opsview-${process.pid}`,
    functionFigures: () => {
      samples++;
      return Promise.resolve([]);
    },
    pace,
  });
  server = createServer((req, res) => {
    if (!view.handle(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await view.stop();
});

const status = async (): Promise<{ time: string; history: unknown[] }> => (await fetch(`${url}/ops/status`)).json() as Promise<{ time: string; history: unknown[] }>;

describe('the ops view on the real systems', () => {
  it('should sample at the idle pace while unread, each interval while read, and answer a read after a quiet spell with a new sample', async () => {
    // Unread since it started (its first sample taken at start): no sample before the idle interval.
    const atStart = samples;
    await sleep(2_200);
    expect(samples - atStart).toBe(0);

    // A read after the quiet spell (the last sample 2.2 s old) waits for a sample taken after it was asked.
    const asked = Date.now();
    const first = await status();
    expect(Date.parse(first.time)).toBeGreaterThanOrEqual(asked);

    // Read every 100 ms for 2 s: sampled on (nearly) every tick.
    const whileRead = samples;
    const until = Date.now() + 2_000;
    while (Date.now() < until) {
      const { time } = await status();
      expect(Date.now() - Date.parse(time)).toBeLessThan(2 * pace.intervalMs + 1_000);
      await sleep(100);
    }
    expect(samples - whileRead).toBeGreaterThanOrEqual(10);

    // Unread again: back to the idle pace once watchMs passed.
    await sleep(pace.watchMs + 200);
    const idleAgain = samples;
    await sleep(2_200);
    expect(samples - idleAgain).toBeLessThanOrEqual(1);
    // And the idle pace still samples: the chart keeps points while nobody looks.
    await sleep(pace.idleIntervalMs);
    expect(samples - idleAgain).toBeGreaterThanOrEqual(1);
  });

  it('should answer a read after a quiet spell with the last sample when a new one takes longer than freshWaitMs', async () => {
    // A system that stops answering mid-run (Kafka's admin client retrying against a broker that is down):
    // every sample after the first hangs until the test lets it go.
    let release = (): void => undefined;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const config = localConfig();
    const stuck = await startOpsView({
      brokers: (await localKafka()).brokers,
      redisUrl: config.REDIS_URL,
      rabbitMqUrl: config.RABBITMQ_URL ?? '',
      namespace: `tptest-opsview-stuck-${process.pid}`,
      groupSuffix: `-opsview-stuck-${process.pid}`,
      functionFigures: async () => {
        if (calls++ > 0) await hanging;
        return [];
      },
      pace: { ...pace, freshWaitMs: 300 },
    });
    const stuckServer = createServer((req, res) => {
      if (!stuck.handle(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => stuckServer.listen(0, '127.0.0.1', resolve));
    try {
      await sleep(3 * pace.intervalMs);
      const asked = Date.now();
      const answer = (await (await fetch(`http://127.0.0.1:${(stuckServer.address() as AddressInfo).port}/ops/status`)).json()) as { time: string };
      const waited = Date.now() - asked;
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(1_500);
      expect(Date.parse(answer.time)).toBeLessThan(asked);
    } finally {
      release();
      await new Promise((resolve) => stuckServer.close(resolve));
      await stuck.stop();
    }
  });

  it('should keep answering the page and 405 for other methods', async () => {
    expect((await fetch(`${url}/ops`)).status).toBe(200);
    expect((await fetch(`${url}/ops/status`, { method: 'POST' })).status).toBe(405);
  });
});
