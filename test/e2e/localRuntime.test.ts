import { Redis } from 'ioredis';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime/startLocalRuntime';

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
  runtime = await startLocalRuntime({ port: 0, groupIdSuffix: `-e2e-${run}`, log: (line) => logs.push(line), asFunctionUsers: true });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${runtime.url}/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Polls a GET until `ready` holds; returns the answer and how long it took. */
async function readUntil(path: string, ready: (status: number, body: Record<string, unknown>) => boolean, timeoutMs = 20_000) {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${runtime.url}${path}`);
    const body = (await response.json()) as Record<string, unknown>;
    if (ready(response.status, body)) return { status: response.status, body, ms: performance.now() - started };
    if (performance.now() - started > timeoutMs) throw new Error(`${path} not ready after ${timeoutMs} ms: ${response.status} ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('local runtime, end to end', () => {
  it('should print what it runs', () => {
    expect(logs.join('\n')).toMatch(/msk +sessions +-> projectSessions/);
    expect(logs.join('\n')).toMatch(/http +GET +\/sessions\/\{sessionId\}/);
  });

  it('should make a posted event readable over HTTP within a second once consumers run', async () => {
    // The first event waits for the consumer groups to join; it is not what the freshness promise is about.
    const warm = `warm-${run}`;
    expect((await post({ type: 'flag.set', data: { name: warm, enabled: true } })).status).toBe(202);
    await readUntil(`/flags/${warm}`, (status) => status === 200, 45_000);

    const sessionId = `sess-${run}`;
    const posted = await post({ events: [{ type: 'session.started', data: { sessionId, userId: 'u-e2e', ttlSeconds: 300 } }] });
    expect(posted.status).toBe(202);
    const accepted = (await posted.json()) as { accepted: Array<{ id: string; index: number }> };
    expect(accepted.accepted).toHaveLength(1);
    const read = await readUntil(`/sessions/${sessionId}`, (status) => status === 200);
    expect(read.body).toMatchObject({ sessionId, userId: 'u-e2e', ttlSeconds: 300 });
    expect(read.ms).toBeLessThan(1_000);
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
    const top = await readUntil(`/leaderboards/${board}?limit=2`, (_, body) => JSON.stringify(body.entries).includes('55'));
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
    const users = new Set(String(await admin.call('CLIENT', 'LIST')).match(/ user=\S+/g)?.map((u) => u.slice(6)));
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
    const notJson = await fetch(`${runtime.url}/events`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/not valid JSON/);
    expect((await fetch(`${runtime.url}/leaderboards/x?limit=1000`)).status).toBe(400);
    expect((await fetch(`${runtime.url}/sessions/a:b`)).status).toBe(400);
    expect((await fetch(`${runtime.url}/nope`)).status).toBe(404);
  });
});
