import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeKafkaProducer } from '../../shared/clients/kafkaProducer';
import { closeRedisClient } from '../../shared/clients/redisClient';
import { FUNCTIONS } from '../../shared/routes/manifest';
import { lambdaContextOf } from '../support/lambdaContextOf';

/** Every function runs with its sample event from events/ against the real services. */
const root = join(__dirname, '..', '..');
const sample = (name: string) => JSON.parse(readFileSync(join(root, 'events', `${name}.json`), 'utf8')) as unknown;
type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;
const handlerOf = (name: string) => (require(join(root, 'functions', name, 'handler')) as { handler: Handler }).handler;

afterAll(async () => {
  await Promise.all([closeRedisClient(), closeKafkaProducer()]);
});

describe('sample events', () => {
  it.each(FUNCTIONS.filter((fn) => fn.kafka).map((fn) => fn.name))('should run %s with its sample MSK event, dead-lettering nothing', async (name) => {
    const summary = await handlerOf(name)(sample(name), lambdaContextOf(name));
    expect(summary).toMatchObject({ deadLettered: 0 });
    expect(summary.received).toBeGreaterThan(0);
  });

  it('should accept the sample ingest request', async () => {
    const response = await handlerOf('ingest-events')(sample('ingest-events'), lambdaContextOf('ingest-events'));
    expect(response.statusCode).toBe(202);
    expect((JSON.parse(String(response.body)) as { accepted: unknown[] }).accepted).toHaveLength(3);
  });

  it.each([
    ['list-flags', 200],
    ['get-flag', 200],
    ['get-leaderboard', 200],
    ['get-user-activity', 200],
    // The sample session started on 2026-01-15 with a one-hour TTL: its absolute expiry has passed.
    ['get-session', 404],
  ])('should answer %s with %i after the sample projections ran', async (name, status) => {
    const response = await handlerOf(name)(sample(name), lambdaContextOf(name));
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
  });

  it('should print a function result through `npm run invoke`', () => {
    const out = execFileSync('npm', ['run', '--silent', 'invoke', '--', 'getLeaderboard', 'events/get-leaderboard.json'], { cwd: root, encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' } });
    expect(JSON.parse(out)).toMatchObject({ statusCode: 200 });
  });
});
