import { EVENT_CATALOG } from '../../shared/envelope/eventCatalog';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../emulator/services/localPaths';
import { OPENAPI_FILE } from '../../shared/http/openApi/projectOpenApiDocument';
import { pythonToolCommand } from '../../tools/python/pythonTools';
import { openApiResponseChecker } from '../../testkit/openApiResponses';
import { TEST_API_KEY, withTestKey } from '../../testkit/testApiKey';
import { localRuntimeForTests } from '../../testkit/testRuntime';
import { waitFor } from '../../testkit/waitUntil';

/**
 * The HTTP contract against the real local runtime (functions in their workers, the test profile's
 * Kafka, Redis and RabbitMQ): GET /openapi.json serves the committed document, real answers of every
 * route validate against it, and schemathesis (PyPI) finds nothing with all its checks.
 */
jest.setTimeout(300_000);

const runtime = localRuntimeForTests('contract');
const committed = JSON.parse(readFileSync(join(PROJECT_ROOT, OPENAPI_FILE), 'utf8')) as Record<string, unknown>;
const check = openApiResponseChecker(committed);
const run = `${Date.now().toString(36)}${process.pid}`;

interface Probe {
  /** The document's path template the request is an instance of. */
  template: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
}

async function observe(probe: Probe): Promise<{ status: number; problems: string[]; body: string }> {
  const method = probe.method ?? 'GET';
  const response = await fetch(`${runtime.url}${probe.url}`, { method, headers: probe.headers ?? withTestKey(), body: probe.body });
  const body = await response.text();
  const problems = check({ method, path: probe.template, status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, body });
  if (response.status !== probe.status) problems.push(`${method} ${probe.url}: expected ${probe.status}, got ${response.status} ${body.slice(0, 300)}`);
  return { status: response.status, problems, body };
}

const json = (body: unknown) => ({ method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: JSON.stringify(body) });

describe('the HTTP contract of the local runtime', () => {
  it('should serve at GET /openapi.json the committed document', async () => {
    const response = await fetch(`${runtime.url}/openapi.json`, { headers: withTestKey() });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(committed);
  });

  it('should answer every route as the document says: successes, every error and the runtime own answers', async () => {
    const user = `contract-${run}`;
    const order = `contract-order-${run}`;
    const seeded = await observe({
      template: '/events',
      url: '/events',
      status: 202,
      ...json({
        events: [
          { type: 'session.started', data: { sessionId: `s-${run}`, userId: user, ttlSeconds: 3600 } },
          { type: 'flag.set', version: 2, data: { name: `f-${run}`, enabled: true, rollout: 30 } },
          { type: 'score.recorded', data: { board: `b-${run}`, userId: user, points: 7 } },
          { type: 'page.viewed', data: { userId: user, path: '/contract' } },
          { type: 'order.placed', data: { orderId: order, userId: user, amount: 100, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'a', qty: 1 }] } },
        ],
      }),
    });
    expect(seeded.problems).toEqual([]);
    // The projections are asynchronous: wait until the last of them shows the seeded state.
    for (const url of [`/sessions/s-${run}`, `/flags/f-${run}`, `/users/${user}/activity`, `/orders/${order}`]) {
      await waitFor(url, async () => ((await fetch(`${runtime.url}${url}`, { headers: withTestKey() })).status === 200 ? true : undefined), 60_000);
    }

    const probes: Probe[] = [
      { template: '/openapi.json', url: '/openapi.json', status: 200 },
      { template: '/events', url: '/events', status: 202, ...json({ type: 'page.viewed', data: { userId: user, path: '/one' } }) },
      { template: '/events', url: '/events', status: 400, ...json({ type: 'page.viewed', data: { userId: 'a:b', path: 'no-slash' } }) },
      { template: '/events', url: '/events', status: 400, ...json({ type: 'payment.authorized', data: { orderId: order, authorizationId: 'x', amount: 1, currency: 'EUR' } }) },
      { template: '/events', url: '/events', status: 400, ...json({ events: 'nope' }) },
      { template: '/events', url: '/events', status: 400, method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: '{not json' },
      { template: '/events', url: '/events', status: 415, method: 'POST', headers: withTestKey({ 'content-type': 'text/plain' }), body: '{}' },
      { template: '/events', url: '/events', status: 413, ...json({ events: Array.from({ length: 501 }, () => ({ type: 'session.touched', data: { sessionId: 's' } })) }) },
      { template: '/sessions/{sessionId}', url: `/sessions/s-${run}`, status: 200 },
      { template: '/sessions/{sessionId}', url: `/sessions/missing-${run}`, status: 404 },
      { template: '/sessions/{sessionId}', url: '/sessions/a%3Ab', status: 400 },
      { template: '/sessions/{sessionId}', url: '/sessions/', status: 404 },
      { template: '/flags', url: '/flags', status: 200 },
      { template: '/flags/{name}', url: `/flags/f-${run}`, status: 200 },
      { template: '/flags/{name}', url: `/flags/missing-${run}`, status: 404 },
      { template: '/leaderboards/{board}', url: `/leaderboards/b-${run}?limit=5`, status: 200 },
      { template: '/leaderboards/{board}', url: `/leaderboards/b-${run}?limit=0`, status: 400 },
      { template: '/users/{userId}/activity', url: `/users/${user}/activity`, status: 200 },
      { template: '/users/{userId}/activity', url: `/users/missing-${run}/activity`, status: 404 },
      { template: '/orders/{orderId}', url: `/orders/${order}`, status: 200 },
      { template: '/orders/{orderId}', url: `/orders/missing-${run}`, status: 404 },
      { template: '/flags', url: '/flags', status: 401, headers: {} },
      { template: '/flags', url: '/flags', status: 401, headers: { 'x-api-key': 'wrong-key-of-some-length' } },
      { template: '/events', url: '/events', status: 401, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      { template: '/ops', url: '/ops', status: 200 },
      { template: '/ops/status', url: '/ops/status', status: 200 },
      { template: '/ops/assets/uPlot.min.css', url: '/ops/assets/uPlot.min.css', status: 200 },
      { template: '/ops/assets/uPlot.iife.min.js', url: '/ops/assets/uPlot.iife.min.js', status: 200 },
      { template: '/ops/status', url: '/ops/status', status: 401, headers: {} },
    ];
    const problems: string[] = [];
    for (const probe of probes) problems.push(...(await observe(probe)).problems);
    expect(problems).toEqual([]);
  });

  it.each(['/flags', '/ops/status'])('should refuse a key in the query string of %s with that reason', async (path) => {
    const { body, problems } = await observe({ template: path, url: `${path}?api_key=${TEST_API_KEY}`, status: 401, headers: {} });
    expect(problems).toEqual([]);
    expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/never in the URL/) });
  });

  it('should answer a method other than GET on the local runtime own pages with 405 and the methods allowed', async () => {
    const response = await fetch(`${runtime.url}/ops/status`, { method: 'DELETE', headers: withTestKey() });
    expect({ status: response.status, allow: response.headers.get('allow'), body: await response.json() }).toEqual({
      status: 405,
      allow: 'GET, HEAD',
      body: { error: expect.stringMatching(/DELETE is not allowed/) },
    });
  });

  it('should pass schemathesis with all its checks but unsupported_method (API Gateway answers 404 there)', async () => {
    const { command, args } = pythonToolCommand('schemathesis');
    // Its working folder holds what it writes (reports, its .schemathesis cache of failures), out of the checkout.
    const reports = mkdtempSync(join(tmpdir(), 'schemathesis-'));
    const runArgs = [
      ...args,
      'run',
      `${runtime.url}/openapi.json`,
      '--url',
      runtime.url,
      '--checks',
      'all',
      // API Gateway HTTP APIs answer a method no route declares with 404 {"message":"Not Found"}, not 405:
      // the local runtime answers the functions' paths as they do (emulator/runtime/httpApiServer.ts), so
      // that check would only measure API Gateway (its own pages, /ops, do answer 405). Every other check runs.
      '--exclude-checks',
      'unsupported_method',
      '--header',
      `x-api-key: ${TEST_API_KEY}`,
      // Bounded: a few hundred requests in all, some of them valid events written to the test profile's Kafka.
      '--max-examples',
      '25',
      '--max-time',
      '75',
      '--rate-limit',
      '50/s',
      '--workers',
      '2',
      '--seed',
      '20261206',
      '--report',
      'junit',
      '--report-dir',
      reports,
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      // The hooks teach the generator the one rule of the contract JSON Schema cannot state (distinct ids in a request).
      const child = spawn(command, runArgs, {
        cwd: reports,
        env: {
          ...process.env,
          NO_COLOR: '1',
          SCHEMATHESIS_HOOKS: join(__dirname, 'httpContractHooks.py'),
          TRIPLANE_KEY_FIELDS: JSON.stringify(Object.fromEntries(Object.entries(EVENT_CATALOG).map(([type, spec]) => [type, spec.keyField]))),
        },
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, output: text }));
    });
    // The summary (operations, phases, test cases) on every run; the whole report when it failed.
    console.log(code === 0 ? output.slice(Math.max(0, output.indexOf('SUMMARY'))) : output);
    expect({ code, failures: code === 0 ? '' : output.slice(output.indexOf('FAILURES') >= 0 ? output.indexOf('FAILURES') : 0) }).toEqual({ code: 0, failures: '' });
  });
});
