import { redisUserOf } from '../../../../shared/routes/derivedNames';
import { Redis } from 'ioredis';
import { localPassword } from '../../../../emulator/services/applyAccessControl';
import { kafkaEventOf, kafkaRecordOf } from '../../../../testkit/kafkaTriggerEvents';
import { lambdaContextOf } from '../../../../testkit/lambdaContextOf';
import { LocalSecretsManager } from '../../../../testkit/localSecretsManager';
import { withTestKey } from '../../../../testkit/testApiKey';
import { createEnvelope } from '../../../../shared/envelope/envelope';

/**
 * How a deployed function logs in to Redis: REDIS_SECRET_ARN names its own user's secret, read from
 * Secrets Manager at cold start. Secrets Manager is the one piece played by a small local endpoint
 * (testkit/localSecretsManager); the users, their rights and every denial are the real local
 * Redis's ACL users, made by `npm run services` from the same rules as the ElastiCache users.
 */
jest.setTimeout(30_000);

const userOf = (fn: string) => redisUserOf({ name: fn }, 'tptest');
const secretsManager = new LocalSecretsManager();
let admin: Redis;

beforeAll(async () => {
  await secretsManager.start();
  for (const fn of ['get-leaderboard', 'project-leaderboards']) secretsManager.secrets.set(`arn:secret:${fn}`, { username: userOf(fn), password: localPassword(userOf(fn)) });
  admin = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  await admin.quit();
  await secretsManager.stop();
});

type Handler = (event: unknown, context: unknown) => Promise<Record<string, unknown>>;

/** The function's handler as a fresh container would load it, with its own secret configured. */
async function coldStart(fn: string, secretArn: string): Promise<{ handler: Handler; close: () => Promise<void> }> {
  process.env.REDIS_SECRET_ARN = secretArn;
  let loaded!: { handler: Handler; close: () => Promise<void> };
  await jest.isolateModulesAsync(async () => {
    const { handler } = (await import(`../../../../functions/${fn}/handler`)) as { handler: Handler };
    const { closeRedisClient } = await import('../../../../shared/clients/redisClient');
    loaded = { handler, close: closeRedisClient };
  });
  return loaded;
}

const clientsOf = async (user: string) =>
  String(await admin.call('CLIENT', 'LIST'))
    .split('\n')
    .filter((line) => line.includes(` user=${user} `)).length;

const leaderboardRequest = (board: string) => ({
  version: '2.0',
  routeKey: 'GET /leaderboards/{board}',
  rawPath: `/leaderboards/${board}`,
  rawQueryString: '',
  headers: withTestKey(),
  pathParameters: { board },
  requestContext: { http: { method: 'GET', path: `/leaderboards/${board}` } },
  isBase64Encoded: false,
});

describe('a function logging in to Redis as its own user', () => {
  it('should read the secret once at cold start and serve as the read-only user of its route', async () => {
    const { handler, close } = await coldStart('get-leaderboard', 'arn:secret:get-leaderboard');
    try {
      const before = secretsManager.requested.length;
      expect((await handler(leaderboardRequest('login-test'), lambdaContextOf('get-leaderboard'))).statusCode).toBe(200);
      expect((await handler(leaderboardRequest('login-test'), lambdaContextOf('get-leaderboard'))).statusCode).toBe(200);
      expect(secretsManager.requested.slice(before)).toEqual(['secretsmanager.GetSecretValue arn:secret:get-leaderboard']);
      expect(await clientsOf(userOf('get-leaderboard'))).toBe(1);
    } finally {
      await close();
    }
  });

  it('should be denied when a projection runs with a read route user, so a leaked read credential cannot write', async () => {
    const { handler, close } = await coldStart('project-leaderboards', 'arn:secret:get-leaderboard');
    try {
      const event = kafkaEventOf([kafkaRecordOf('scores', createEnvelope({ type: 'score.recorded', version: 1, key: 'u1', data: { board: 'login-test', userId: 'u1', points: 1 }, source: 'test' }))]);
      await expect(handler(event, lambdaContextOf('project-leaderboards'))).rejects.toThrow(/NOPERM/);
    } finally {
      await close();
    }
  });

  it('should apply a batch when the projection logs in as its own user', async () => {
    const { handler, close } = await coldStart('project-leaderboards', 'arn:secret:project-leaderboards');
    try {
      const event = kafkaEventOf([
        kafkaRecordOf('scores', createEnvelope({ type: 'score.recorded', version: 1, key: 'u1', data: { board: `login-${Date.now()}`, userId: 'u1', points: 1 }, source: 'test' })),
      ]);
      expect(await handler(event, lambdaContextOf('project-leaderboards'))).toMatchObject({ processed: 1, deadLettered: 0 });
      expect(await clientsOf(userOf('project-leaderboards'))).toBeGreaterThanOrEqual(1);
    } finally {
      await close();
    }
  });
});
