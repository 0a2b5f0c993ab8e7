import { Redis } from 'ioredis';
import { startLocalRuntime, type LocalRuntime } from '../../emulator/runtime/startLocalRuntime';
import { TEST_API_KEY, withTestKey } from '../../testkit/testApiKey';

/**
 * The whole log-to-state slice through the local runtime: HTTP POST to Kafka, the MSK mappings project
 * into Redis, HTTP GET reads it back. Consumer groups get a per-run suffix so earlier runs' offsets
 * do not matter.
 */
let runtime: LocalRuntime;
const run = `${process.pid}-${Date.now()}`;
const logs: string[] = [];

beforeAll(async () => {
  // As `npm start` runs: every function talks to Redis as its own ACL user.
  runtime = await startLocalRuntime({ port: 0, groupIdSuffix: `-e2e-${run}`, log: (line) => logs.push(line) });
}, 60_000);

afterAll(async () => {
  await (runtime as LocalRuntime | undefined)?.stop();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': 'application/json', ...headers }), body: JSON.stringify(body) });

/** Polls a GET until `ready` holds; returns the answer and how long it took. */
async function readUntil(path: string, ready: (status: number, body: Record<string, unknown>) => boolean, timeoutMs = 20_000) {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${runtime.url}${path}`, { headers: withTestKey() });
    const body = (await response.json()) as Record<string, unknown>;
    if (ready(response.status, body)) return { status: response.status, body, ms: performance.now() - started };
    if (performance.now() - started > timeoutMs) throw new Error(`${path} not ready after ${timeoutMs} ms: ${response.status} ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('local runtime, end to end', () => {
  it('should print what it runs', () => {
    expect(logs.join('\n')).toMatch(/msk +sessions +-> projectSessions/);
    // The setup says truthfully who the functions are and what protects the routes.
    expect(logs.join('\n')).toContain('functions run as their own users: 18 Redis ACL users (namespace tptest), 6 RabbitMQ users (vhost triplane-test)');
    expect(logs.join('\n')).toContain('API keys: 1 from TRIPLANE_API_KEYS');
    expect(logs.join('\n')).not.toContain(TEST_API_KEY);
    expect(logs.join('\n')).toMatch(/http +GET +\/sessions\/\{sessionId\}/);
  });

  it('should make a posted event readable over HTTP within a second once consumers run', async () => {
    // The first event waits for the consumer groups to join; it is not what the freshness promise is about.
    const warm = `warm-${run}`;
    expect((await post({ type: 'flag.set', data: { name: warm, enabled: true } })).status).toBe(202);
    const warmed = await readUntil(`/flags/${warm}`, (status) => status === 200, 45_000);
    expect(warmed.body).toMatchObject({ name: warm, enabled: true });

    const sessionId = `sess-${run}`;
    const posted = await post({ events: [{ type: 'session.started', data: { sessionId, userId: 'u-e2e', ttlSeconds: 300 } }] });
    expect(posted.status).toBe(202);
    const accepted = (await posted.json()) as { accepted: Array<{ id: string; index: number }> };
    expect(accepted.accepted).toHaveLength(1);
    const read = await readUntil(`/sessions/${sessionId}`, (status) => status === 200);
    expect(read.body).toMatchObject({ sessionId, userId: 'u-e2e', ttlSeconds: 300 });
  });

  it('should serve leaderboards, activity and flags from events posted in one batch', async () => {
    const board = `board-${run}`;
    const user = `user-${run}`;
    const response = await post({
      events: [
        { type: 'score.recorded', data: { board, userId: 'ann', points: 30 } },
        { type: 'score.recorded', data: { board, userId: 'bob', points: 50 } },
        { type: 'score.recorded', data: { board, userId: 'ann', points: 25 } },
        { type: 'page.viewed', data: { userId: user, path: '/home' } },
        { type: 'page.viewed', data: { userId: user, path: '/pricing' } },
        { type: 'flag.set', version: 2, data: { name: `flag-${run}`, enabled: true, rollout: 30 } },
      ],
    });
    expect(response.status).toBe(202);
    // ann's and bob's scores sit on different partitions (keyed by user), so their batches land apart.
    const expected = JSON.stringify([
      { rank: 1, userId: 'ann', points: 55 },
      { rank: 2, userId: 'bob', points: 50 },
    ]);
    const top = await readUntil(`/leaderboards/${board}?limit=2`, (_, body) => JSON.stringify(body.entries) === expected);
    expect(top.body.entries).toEqual([
      { rank: 1, userId: 'ann', points: 55 },
      { rank: 2, userId: 'bob', points: 50 },
    ]);
    const activity = await readUntil(`/users/${user}/activity`, (status, body) => status === 200 && body.pageViews === 2);
    expect(activity.body).toMatchObject({ lastPath: '/pricing' });
    const flags = await readUntil('/flags', (_, body) => JSON.stringify(body).includes(`flag-${run}`));
    expect(flags.body.flags).toContainEqual({ name: `flag-${run}`, enabled: true, rollout: 30, updatedAt: expect.any(String) });
    // Served and projected by the functions' own users, not the default one.
    const admin = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const users = new Set(
      String(await admin.call('CLIENT', 'LIST'))
        .match(/ user=\S+/g)
        ?.map((u) => u.slice(6)),
    );
    await admin.quit();
    for (const fn of ['project-leaderboards', 'project-activity', 'project-flags', 'get-leaderboard', 'get-user-activity', 'list-flags']) expect(users).toContain(`tptest.${fn}`);
  });

  it('should end a session and answer 404 for it', async () => {
    const sessionId = `sess-end-${run}`;
    await post({ type: 'session.started', data: { sessionId, userId: 'u' } });
    await readUntil(`/sessions/${sessionId}`, (status) => status === 200);
    await post({ type: 'session.ended', data: { sessionId } });
    const gone = await readUntil(`/sessions/${sessionId}`, (status) => status === 404);
    expect(gone.body.error).toMatch(/not found/);
  });

  it('should answer bad requests with a 4xx and a reason', async () => {
    const bad = await post({ events: [{ type: 'page.viewed', data: { userId: 'u' } }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ accepted: [], errors: [{ field: 'events[0].data.path' }] });
    const notJson = await fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/not valid JSON/);
    const answer = async (path: string) => {
      const response = await fetch(`${runtime.url}${path}`, { headers: withTestKey() });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await answer('/leaderboards/x?limit=1000')).toEqual({ status: 400, body: { error: expect.stringMatching(/^limit must be a whole number from 1 to \d+$/), field: 'limit' } });
    expect(await answer('/sessions/a:b')).toEqual({ status: 400, body: { error: expect.stringMatching(/^path parameter sessionId must be/), field: 'sessionId' } });
    expect(await answer('/nope')).toEqual({ status: 404, body: { message: 'Not Found' } });
  });

  it('should require the key on every route and on /ops, its status and its assets, in the header only', async () => {
    const paths = [
      '/events',
      '/flags',
      '/flags/x',
      '/sessions/s',
      '/leaderboards/b',
      '/users/u/activity',
      '/orders/o',
      '/openapi.json',
      '/ops',
      '/ops/',
      '/ops/status',
      '/ops/assets/uPlot.min.css',
      '/ops/assets/uPlot.iife.min.js',
    ];
    for (const path of paths) {
      const variants: Array<Record<string, string>> = [{}, { 'x-api-key': '' }, { 'x-api-key': 'wrong' }, { 'x-api-key': 'constructor' }];
      for (const headers of variants) {
        const response = await fetch(`${runtime.url}${path}`, {
          method: path === '/events' ? 'POST' : 'GET',
          headers: { 'content-type': 'application/json', ...headers },
          body: path === '/events' ? '{}' : undefined,
        });
        expect({ path, headers, status: response.status }).toEqual({ path, headers, status: 401 });
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      }
      const inQuery = await fetch(`${runtime.url}${path}?x-api-key=${encodeURIComponent(TEST_API_KEY)}`, {
        method: path === '/events' ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json' },
        body: path === '/events' ? '{}' : undefined,
      });
      expect({ path, status: inQuery.status }).toEqual({ path, status: 401 });
    }
    expect((await fetch(`${runtime.url}/ops/status`, { headers: withTestKey() })).status).toBe(200);
    expect((await fetch(`${runtime.url}/ops/assets/uPlot.min.css`, { headers: withTestKey() })).status).toBe(200);
    // Inherited names are no assets.
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect((await fetch(`${runtime.url}/ops/assets/${name}`, { headers: withTestKey() })).status).toBe(404);
  });

  it('should refuse events that are not application/json with 415 and a reason, so no web page can post them without a preflight', async () => {
    const event = JSON.stringify({ type: 'page.viewed', data: { userId: 'u415', path: '/' } });
    const refused: Array<[string | undefined, string]> = [
      ['text/plain', event],
      ['text/plain;charset=UTF-8', event],
      ['application/x-www-form-urlencoded', `json=${encodeURIComponent(event)}`],
      ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${event}\r\n--x--`],
      ['application/json; charset=utf-16', event],
      ['application/jsonx', event],
      [undefined, event],
    ];
    for (const [contentType, body] of refused) {
      const response = await fetch(`${runtime.url}/events`, {
        method: 'POST',
        headers: withTestKey(contentType === undefined ? {} : { 'content-type': contentType }),
        body: contentType === undefined ? Buffer.from(body) : body,
      });
      expect({ contentType, status: response.status }).toEqual({ contentType, status: 415 });
      expect(((await response.json()) as { error: string }).error).toMatch(/content-type|charset/);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;Charset="UTF-8"']) {
      const response = await fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': contentType }), body: event });
      expect({ contentType, status: response.status }).toEqual({ contentType, status: 202 });
    }
    // No preflight answer that would let a browser send application/json cross-origin.
    const preflight = await fetch(`${runtime.url}/events`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
