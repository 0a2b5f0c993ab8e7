import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalRuntime, type LocalRuntime } from '../../emulator/runtime/startLocalRuntime';
import { withTestKey } from '../../testkit/testApiKey';

/**
 * The ops page in a real headless Chromium (Debian's, driven by playwright-core): under load its
 * figures move, and they match /ops/status. The screenshot is kept as a test artifact.
 */
jest.setTimeout(120_000);

const run = `${Date.now().toString(36)}${process.pid}`;
let runtime: LocalRuntime;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  runtime = await startLocalRuntime({ port: 0, groupIdSuffix: `-ops-${run}`, log: () => undefined });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // The page, its assets and its /ops/status polls all need the key, as a client's would.
  page = await browser.newPage({ viewport: { width: 1200, height: 1400 }, extraHTTPHeaders: withTestKey() });
}, 60_000);

afterAll(async () => {
  await (browser as Browser | undefined)?.close();
  await (runtime as LocalRuntime | undefined)?.stop();
});

interface Status {
  time: string;
  functions: Array<{ function: string; invocations: number; records: number }>;
  queues: Array<{ queue: string; published: number }>;
  history: unknown[];
}

const status = async (): Promise<Status> => (await fetch(`${runtime.url}/ops/status`, { headers: withTestKey() })).json() as Promise<Status>;
const cellOf = (fn: string, column: number) => page.locator(`#functions tr[data-function="${fn}"] td`).nth(column).textContent();

describe('ops page', () => {
  it('should show live figures that move under load and match /ops/status', async () => {
    await page.goto(`${runtime.url}/ops`);
    await page.waitForSelector('#breakers tbody tr', { timeout: 15_000 });
    const ingest = 'triplane-local-ingestEvents';
    // No row yet when nothing called the function since the runtime started.
    const before = (await page.locator(`#functions tr[data-function="${ingest}"]`).count()) === 0 ? 0 : Number(await cellOf(ingest, 1));

    const orders = Array.from({ length: 20 }, (_, i) => ({
      type: 'order.placed',
      data: { orderId: `ops-${run}-${i}`, userId: 'u', amount: 100, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'a', qty: 1 }] },
    }));
    for (let i = 0; i < 10; i++) {
      const views = Array.from({ length: 50 }, (_, j) => ({ type: 'page.viewed', data: { userId: `ops-${run}-${j % 5}`, path: `/p${i}` } }));
      const events = i < 2 ? [...views, ...orders.slice(i * 10, i * 10 + 10)] : views;
      const response = await fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: JSON.stringify({ events }) });
      expect(response.status).toBe(202);
      expect(((await response.json()) as { accepted: unknown[] }).accepted).toHaveLength(events.length);
    }

    // The page refreshes every second; wait until it shows the 10 ingest calls, then compare with the JSON.
    // (A string expression: this file is compiled without the DOM types the browser side would need.)
    await page.waitForFunction(`Number(document.querySelector('#functions tr[data-function="${ingest}"] td:nth-child(2)')?.textContent ?? 0) >= ${before + 10}`, undefined, { timeout: 20_000 });
    // The orders start their workflow once start-order-workflow has joined its group and read its backlog.
    for (let waited = 0; ((await status()).queues.find((q) => q.queue === 'payment.authorize')?.published ?? 0) < 20; waited += 250) {
      if (waited > 60_000) throw new Error('orders never reached RabbitMQ');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The page polls every second: two polls later it shows what the JSON shows.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const shown = Number(await cellOf(ingest, 1));
    const json = await status();
    expect(shown).toBe(json.functions.find((f) => f.function === ingest)?.invocations);
    expect(shown).toBeGreaterThanOrEqual(before + 10);
    const activityRecords = Number(await cellOf('triplane-local-projectActivity', 5));
    expect(activityRecords).toBe(json.functions.find((f) => f.function === 'triplane-local-projectActivity')?.records);
    expect(activityRecords).toBeGreaterThanOrEqual(500);
    expect(json.queues.find((q) => q.queue === 'payment.authorize')?.published).toBeGreaterThanOrEqual(20);
    expect(await page.locator('#queues tr[data-queue="payment.authorize"] td').nth(2).textContent()).toBe('1');
    expect(await page.locator('#breakers tr[data-breaker="kafka"]').first().locator('td').nth(2).textContent()).toBe('closed');
    expect(json.history.length).toBeGreaterThan(2);
    expect(await page.locator('#chart canvas').count()).toBeGreaterThan(0);

    const artifacts = join(__dirname, '..', '..', 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'ops-page.png'), fullPage: true });
  });
});
