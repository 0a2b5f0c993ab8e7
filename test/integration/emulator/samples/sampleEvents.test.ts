import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { closeKafkaProducer } from '../../../../shared/clients/kafkaProducer';
import { closeRabbitMq } from '../../../../shared/clients/rabbitMq';
import { closeRedisClient } from '../../../../shared/clients/redisClient';
import { closeSandboxRedis } from '../../../../shared/workflow/sandbox/sandboxLedger';
import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';
import { lambdaContextOf } from '../../../../testkit/lambdaContextOf';
import { withLocalApiKey } from '../../../../emulator/runtime/withLocalApiKey';
import { TEST_API_KEY } from '../../../../testkit/testApiKey';

/** Every function runs with its sample event from events/ against the real services. */
const root = PROJECT_ROOT;
/** As `npm run invoke` sends it: HTTP samples get the local key (the files hold none). */
const sample = (name: string) => withLocalApiKey(JSON.parse(readFileSync(join(root, 'events', `${name}.json`), 'utf8')) as unknown, TEST_API_KEY);
type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;
/** Which handler a test runs is known only at run time (it.each over the catalog). */
const callHandler = async (name: string, event: unknown, context: unknown): Promise<Record<string, unknown>> => {
  const { handler } = (await import(join(root, 'functions', name, 'handler'))) as { handler: Handler };
  return handler(event, context);
};

afterAll(async () => {
  await Promise.all([closeRedisClient(), closeKafkaProducer(), closeRabbitMq(), closeSandboxRedis()]);
});

describe('sample events', () => {
  it('should archive the sample records of archive-events into one object', async () => {
    expect(await callHandler('archive-events', sample('archive-events'), lambdaContextOf('archive-events'))).toEqual({ objects: 1, records: 2 });
  });

  it.each(FUNCTIONS.filter((fn) => (fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq') && fn.name !== 'archive-events').map((fn) => fn.name))(
    'should run %s with its sample event, dead-lettering nothing',
    async (name) => {
      const summary = await callHandler(name, sample(name), lambdaContextOf(name));
      expect(summary).toMatchObject({ deadLettered: 0 });
      expect(summary.received).toBeGreaterThan(0);
    },
  );

  it('should accept the sample ingest request', async () => {
    const response = await callHandler('ingest-events', sample('ingest-events'), lambdaContextOf('ingest-events'));
    expect(response.statusCode).toBe(202);
    expect((JSON.parse(String(response.body)) as { accepted: unknown[] }).accepted).toHaveLength(3);
  });

  // What each read answers once the sample projections above ran (events/ from deploy/writeSampleEvents.ts).
  it.each([
    [
      'list-flags',
      200,
      { flags: expect.arrayContaining([expect.objectContaining({ name: 'new-checkout', enabled: true }), expect.objectContaining({ name: 'dark-mode', enabled: true, rollout: 25 })]) },
    ],
    ['get-flag', 200, { name: 'new-checkout', enabled: true }],
    ['get-leaderboard', 200, { board: 'weekly', entries: expect.arrayContaining([expect.objectContaining({ userId: 'user-sample-1' }), expect.objectContaining({ userId: 'user-sample-2' })]) }],
    ['get-user-activity', 200, { lastPath: '/pricing', pageViews: expect.any(Number) }],
    ['get-openapi', 200, { openapi: expect.stringMatching(/^3\.1\./), paths: expect.objectContaining({ '/openapi.json': expect.any(Object) }) }],
    ['get-order', 200, { orderId: 'order-sample-1', steps: expect.arrayContaining([expect.objectContaining({ type: 'order.placed' })]) }],
    // The sample session started on 2026-01-15 with a one-hour TTL: its absolute expiry has passed.
    ['get-session', 404, { error: expect.stringMatching(/not found/) }],
  ])('should answer %s with %i and its body after the sample projections ran', async (name, status, body) => {
    const response = await callHandler(name, sample(name), lambdaContextOf(name));
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(String(response.body))).toMatchObject(body);
  });

  it('should answer CloudFormation SUCCESS once the workflow topology is declared', async () => {
    const answers: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        answers.push(`${String(req.method)} ${body}`);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const event = { ...(sample('declare-workflow-topology') as Record<string, unknown>), ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/answer` };
    await callHandler('declare-workflow-topology', event, lambdaContextOf('declare-workflow-topology'));
    server.close();
    expect(answers).toHaveLength(1);
    const [method, body] = (answers[0] ?? '').split(/ (.*)/s);
    expect(method).toBe('PUT');
    expect(JSON.parse(body ?? '{}')).toMatchObject({ Status: 'SUCCESS', LogicalResourceId: 'WorkflowTopology', Data: { exchanges: 2, queues: 20 } });
  });

  it('should print a function result through `npm run invoke`', () => {
    const out = execFileSync('npm', ['run', '--silent', 'invoke', '--', 'getLeaderboard', 'events/get-leaderboard.json'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    expect(JSON.parse(out)).toMatchObject({ statusCode: 200 });
  });
});
