import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { produceRecords } from '../../testkit/produceRecords';
import { lookupArchive, type ArchivedEvent } from '../../operations/archive/lookupArchive';
import { configuredArchive } from '../../shared/archive/configuredArchive';
import { createEnvelope } from '../../shared/envelope/envelope';
import { toKafkaMessage } from '../../shared/envelope/toKafkaMessage';
import { withTestKey } from '../../testkit/testApiKey';
import { waitFor } from '../../testkit/waitUntil';
import { localRuntimeForTests } from '../../testkit/testRuntime';

/**
 * Event identity and hostile input through the local runtime: an id reused with different content
 * (over HTTP and straight onto Kafka) is never applied and never silently dropped; a hop header that
 * disagrees with the value and a `__proto__` key are refused on the Kafka path; `archive lookup` shows
 * the refusals and survives non-envelope records; no request, however odd its path, stops the runtime.
 */
jest.setTimeout(120_000);

const runtime = localRuntimeForTests('eid');
const run = `${Date.now().toString(36)}-${process.pid}`;

const post = (events: unknown[]) => fetch(`${runtime.url}/events`, { method: 'POST', headers: withTestKey({ 'content-type': 'application/json' }), body: JSON.stringify({ events }) });

const deadLetterOf = (query: { eventId?: string; key?: string }, by: string) =>
  waitFor(`a dead letter by ${by} for ${JSON.stringify(query)}`, async () =>
    (await lookupArchive(configuredArchive(), query)).find((e: ArchivedEvent) => e.topic === 'dead-letters' && e.deadLetteredBy === by),
  );

const functionCounters = async (suffix: string) => {
  const status = (await (await fetch(`${runtime.url}/ops/status`, { headers: withTestKey() })).json()) as { functions: Array<{ function: string; idReused: number }> };
  return status.functions.find((f) => f.function.endsWith(suffix));
};

const scoreOf = async (board: string, userId: string): Promise<number | undefined> => {
  const response = await fetch(`${runtime.url}/leaderboards/${board}?limit=10`, { headers: withTestKey() });
  if (response.status !== 200) return undefined;
  const body = (await response.json()) as { entries: Array<{ userId: string; points: number }> };
  return body.entries.find((e) => e.userId === userId)?.points;
};

describe('event identity', () => {
  it('should dead-letter, count and show an id reused over HTTP with different content, and leave the first event applied', async () => {
    const sessionId = `s-${run}`;
    const id = `evt-session-${run}`;
    expect((await post([{ type: 'session.started', id, data: { sessionId, userId: 'u', ttlSeconds: 600 } }])).status).toBe(202);
    await waitFor('the session', async () => ((await fetch(`${runtime.url}/sessions/${sessionId}`, { headers: withTestKey() })).status === 200 ? true : undefined));
    expect((await post([{ type: 'session.ended', id, data: { sessionId } }])).status).toBe(202);
    const refused = await deadLetterOf({ eventId: id }, 'project-sessions');
    expect(refused.deadLetterReason).toMatch(/^id reused with different content: session.ended/);
    expect(refused.envelope?.type).toBe('session.ended');
    expect((await fetch(`${runtime.url}/sessions/${sessionId}`, { headers: withTestKey() })).status).toBe(200);
    await waitFor('idReused on /ops/status', async () => (((await functionCounters('projectSessions'))?.idReused ?? 0) >= 1 ? true : undefined));
    // The operator's view: the CLI prints the refusal next to the event that was applied.
    const archive = await promisify(execFile)('npx', ['tsx', 'operations/archive/archiveCommand.ts', 'lookup', '--event-id', id], { cwd: join(__dirname, '..', '..'), env: process.env });
    expect(archive.stdout).toMatch(/session.started/);
    expect(archive.stdout).toMatch(/session.ended .*DEAD-LETTERED by project-sessions: id reused with different content/);
  });

  it('should take the same id with the same content as a duplicate that changes nothing', async () => {
    const board = `b-same-${run}`;
    const event = { type: 'score.recorded', id: `evt-score-${run}`, data: { board, userId: 'ann', points: 5 } };
    expect((await post([event])).status).toBe(202);
    expect((await post([event])).status).toBe(202);
    const sentinel = { type: 'score.recorded', data: { board, userId: 'ann-later', points: 1 } };
    expect((await post([sentinel])).status).toBe(202);
    await waitFor('both scores', async () => ((await scoreOf(board, 'ann-later')) === 1 && (await scoreOf(board, 'ann')) !== undefined ? true : undefined));
    expect(await scoreOf(board, 'ann')).toBe(5);
  });

  it('should apply only the first of two Kafka records that share an id with different content', async () => {
    const board = `b-kafka-${run}`;
    const first = createEnvelope({ type: 'score.recorded', version: 1, key: 'kim', data: { board, userId: 'kim', points: 7 }, source: 'test' });
    const second = { ...first, data: { board, userId: 'kim', points: 700 } };
    await produceRecords('scores', [toKafkaMessage(first), toKafkaMessage(second)]);
    const refused = await deadLetterOf({ eventId: first.id }, 'project-leaderboards');
    expect(refused.deadLetterReason).toMatch(/^id reused with different content/);
    expect(await scoreOf(board, 'kim')).toBe(7);
  });

  it('should refuse a record whose hop header disagrees with its value, and one with data.__proto__', async () => {
    const board = `b-hostile-${run}`;
    const liar = createEnvelope({ type: 'score.recorded', version: 1, key: 'liar', data: { board, userId: 'liar', points: 3 }, source: 'test' });
    const liarRecord = toKafkaMessage(liar);
    liarRecord.headers = { ...liarRecord.headers, hops: '99' };
    const proto = createEnvelope({ type: 'score.recorded', version: 1, key: 'proto', data: { board, userId: 'proto', points: 4 }, source: 'test' });
    const protoRecord = { key: 'proto', value: JSON.stringify(proto).replace('"data":{', '"data":{"__proto__":{"isAdmin":true},') };
    await produceRecords('scores', [liarRecord, protoRecord]);
    expect((await deadLetterOf({ eventId: liar.id }, 'project-leaderboards')).deadLetterReason).toMatch(/hop header "99" disagrees with the envelope's hops 0/);
    expect((await deadLetterOf({ eventId: proto.id }, 'project-leaderboards')).deadLetterReason).toMatch(/data.__proto__: unknown field/);
    expect(await scoreOf(board, 'liar')).toBeUndefined();
    expect(await scoreOf(board, 'proto')).toBeUndefined();
  });

  it('should list a history that holds records which are not envelopes', async () => {
    const key = `raw-${run}`;
    await produceRecords('activity', [
      { key, value: '42' },
      { key, value: 'not json' },
      { key, value: '{"id":1}' },
    ]);
    const history = await waitFor('the raw records archived', async () => {
      const found = await lookupArchive(configuredArchive(), { key });
      return found.filter((e) => e.topic === 'activity').length === 3 ? found : undefined;
    });
    expect(history.filter((e) => e.topic === 'activity').map((e) => e.envelope)).toEqual([undefined, undefined, undefined]);
    const printed = await promisify(execFile)('npx', ['tsx', 'operations/archive/archiveCommand.ts', 'lookup', '--key', key], { cwd: join(__dirname, '..', '..'), env: process.env });
    expect(printed.stdout).toMatch(/\(not an envelope\)/);
  });
});

/** A raw GET (fetch would normalise or refuse malformed escapes before they reach the server). */
const rawGet = (path: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const url = new URL(runtime.url);
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers: withTestKey() }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });

describe('no request can stop the runtime', () => {
  const PREFIXES = ['/', '/events/', '/sessions/', '/flags/', '/leaderboards/', '/users/', '/orders/', '/ops/', '/ops/assets/', '/ops/status/'];
  const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '%E0%A4%A', '%', 'constructor/activity', '%/activity'];

  it('should answer inherited names and malformed escapes on every route prefix, and keep answering', async () => {
    const statuses: Record<string, number> = {};
    for (const prefix of PREFIXES) {
      for (const name of NAMES) {
        const path = `${prefix}${name}`;
        statuses[path] = await rawGet(path);
        statuses[`${path}?${name}=1&constructor=2`] = await rawGet(`${path}?${name}=1&constructor=2`);
      }
    }
    for (const [path, status] of Object.entries(statuses)) {
      // A 4xx for what does not exist or is malformed; nothing here may be a 5xx of the runtime itself.
      expect({ path, status: status >= 200 && status < 500 }).toEqual({ path, status: true });
    }
    expect(statuses['/ops/assets/constructor']).toBe(404);
    expect(statuses['/orders/constructor']).toBe(404);
    expect(statuses['/sessions/%E0%A4%A']).toBe(400);
    expect(await rawGet('/ops/status')).toBe(200);
    expect((await fetch(`${runtime.url}/flags`, { headers: withTestKey() })).status).toBe(200);
  });
});
