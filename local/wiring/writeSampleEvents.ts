import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { createEnvelope } from '../../shared/envelope/envelope';
import { toKafkaMessage } from '../../shared/envelope/toKafkaMessage';
import { toHttpApiEvent } from '../runtime/httpApiEvent';
import { toKafkaTriggerEvent, toKafkaTriggerRecord } from '../runtime/kafkaTriggerEvent';
import { PROJECT_ROOT } from '../services/localPaths';

/**
 * Writes events/: one sample event per function trigger, in the exact shape AWS delivers, so
 * `npm run invoke -- FUNCTION events/FILE.json` and `serverless invoke local` can run any function.
 */
const time = new Date('2026-01-15T10:00:00.000Z');
const ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/triplane/0b4d-1';
const BOOTSTRAP = 'b-1.triplane.kafka.us-east-1.amazonaws.com:9098,b-2.triplane.kafka.us-east-1.amazonaws.com:9098';

function kafkaEvent(topic: string, events: Array<{ id: string; type: string; version?: number; key: string; data: Record<string, unknown> }>) {
  const records = events.map((e, offset) => {
    const message = toKafkaMessage(createEnvelope({ ...e, version: e.version ?? 1, source: 'sample', time }));
    const kafkaMessage = {
      key: Buffer.from(String(message.key)),
      value: Buffer.from(String(message.value)),
      headers: message.headers as KafkaMessage['headers'],
      timestamp: String(time.getTime()),
      offset: String(offset),
      attributes: 0,
      size: 0,
    } as KafkaMessage;
    return toKafkaTriggerRecord(topic, 0, kafkaMessage);
  });
  return toKafkaTriggerEvent(ARN, BOOTSTRAP, records);
}

function httpEvent(method: string, path: string, routeKey: string, pathParameters: Record<string, string>, body?: unknown) {
  const raw = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  return toHttpApiEvent(
    { method, url: path, headers: { host: 'api.example.com', 'content-type': 'application/json', 'user-agent': 'curl/8.5.0' }, body: raw, sourceIp: '203.0.113.7' },
    routeKey,
    pathParameters,
    time,
  );
}

const samples: Record<string, unknown> = {
  'ingest-events.json': httpEvent('POST', '/events', 'POST /events', {}, {
    events: [
      { type: 'session.started', data: { sessionId: 'sess-live-1', userId: 'user-live-1', ttlSeconds: 3600 } },
      { type: 'score.recorded', data: { board: 'weekly', userId: 'user-live-1', points: 42 } },
      { type: 'page.viewed', data: { userId: 'user-live-1', path: '/pricing' } },
    ],
  }),
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
  'project-activity.json': kafkaEvent('activity', [
    { id: '01KSAMPLE0000000000000007', type: 'page.viewed', key: 'user-sample-1', data: { userId: 'user-sample-1', path: '/pricing' } },
  ]),
  'get-session.json': httpEvent('GET', '/sessions/sess-sample-1', 'GET /sessions/{sessionId}', { sessionId: 'sess-sample-1' }),
  'list-flags.json': httpEvent('GET', '/flags', 'GET /flags', {}),
  'get-flag.json': httpEvent('GET', '/flags/new-checkout', 'GET /flags/{name}', { name: 'new-checkout' }),
  'get-leaderboard.json': httpEvent('GET', '/leaderboards/weekly?limit=5', 'GET /leaderboards/{board}', { board: 'weekly' }),
  'get-user-activity.json': httpEvent('GET', '/users/user-sample-1/activity', 'GET /users/{userId}/activity', { userId: 'user-sample-1' }),
};

const dir = join(PROJECT_ROOT, 'events');
mkdirSync(dir, { recursive: true });
for (const [file, event] of Object.entries(samples)) writeFileSync(join(dir, file), `${JSON.stringify(event, null, 2)}\n`);
console.log(`wrote ${Object.keys(samples).length} sample events to ${dir}`);
