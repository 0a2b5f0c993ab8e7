import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Redis } from 'ioredis';
import { localPassword } from '../../../../../emulator/services/applyAccessControl';
import { guardedRedis } from '../../../../../shared/clients/redisClient';
import { FUNCTIONS } from '../../../../../shared/routes/functionCatalog';
import { redisUserOf } from '../../../../../shared/routes/derivedNames';
import { redisAclRules } from '../../../../../shared/security/redisAcl';
import { countedGenerationRead } from '../../../../../shared/state/countedGenerationRead';
import { hashFieldRead, topScoresRead, type GenerationRead } from '../../../../../shared/state/generationReads';
import { generationNamespace, generationPointerKey, generationRelativeKeys } from '../../../../../shared/state/projectionKeys';
import { redisKeys } from '../../../../../shared/state/redisKeys';
import { rateLimitWindow } from '../../../../../shared/middleware/http/rateLimitWindow';
import { asRedisUser } from '../../../../../testkit/asRedisUser';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';

/**
 * A read route's Redis work in one round trip (shared/middleware/http/httpReadHandler and
 * shared/state/countedReadScript), through the real get-leaderboard handler and the real Redis, logged in
 * as get-leaderboard's own ACL user (rules from shared/security/redisAcl). A namespace of this file's own,
 * so the generation pointer can move without touching what other tests read.
 */
jest.setTimeout(30_000);
const NAMESPACE = `tpread${process.pid}`;
const KEY = `read-handler-${process.pid}-secret-value`;
const LIMITED_KEY = `read-limited-${process.pid}-secret-value`;
const LIMIT = 5_000;
process.env.TRIPLANE_REDIS_NAMESPACE = NAMESPACE;
process.env.TRIPLANE_API_KEYS = `${KEY},${LIMITED_KEY}`;
process.env.TRIPLANE_RATE_LIMIT = String(LIMIT);
process.env.TRIPLANE_RATE_LIMIT_WINDOW_SECONDS = '60';

const fn = FUNCTIONS.find((f) => f.name === 'get-leaderboard');
if (fn === undefined) throw new Error('get-leaderboard is not in the catalog');
const USER = redisUserOf(fn, NAMESPACE);
const asReader = <T>(run: () => Promise<T>) => asRedisUser({ username: USER, password: localPassword(USER) }, run);

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
const getLeaderboard = async (board: string, options: { key?: string; limit?: string } = {}): Promise<APIGatewayProxyStructuredResultV2> => {
  // Loaded on first use: the environment above is in place by then, as Lambda's is at init.
  const { handler } = (await import('../../../../../functions/get-leaderboard/handler')) as { handler: Handler };
  const event = {
    version: '2.0',
    routeKey: 'GET /leaderboards/{board}',
    rawPath: `/leaderboards/${board}`,
    rawQueryString: options.limit === undefined ? '' : `limit=${options.limit}`,
    ...(options.limit === undefined ? {} : { queryStringParameters: { limit: options.limit } }),
    headers: { 'x-api-key': options.key ?? KEY },
    pathParameters: { board },
    requestContext: { http: { method: 'GET', path: `/leaderboards/${board}` } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  return handler(event, lambdaContextOf('get-leaderboard'));
};
const entriesOf = (response: APIGatewayProxyStructuredResultV2) => (JSON.parse(String(response.body)) as { entries: Array<{ userId: string; points: number }> }).entries;

let admin: Redis;
const generationKeys = (generation: number) => redisKeys(generationNamespace(NAMESPACE, 'leaderboards', generation));
const pointer = generationPointerKey(NAMESPACE, 'leaderboards');

beforeAll(async () => {
  admin = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await admin.call('ACL', 'SETUSER', USER, ...redisAclRules(fn, NAMESPACE, FUNCTIONS), `>${localPassword(USER)}`);
});
afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${NAMESPACE}:*`, 'COUNT', 1000);
    if (keys.length > 0) await admin.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await admin.call('ACL', 'DELUSER', USER);
  await admin.quit();
});

describe('a read route (get-leaderboard) as its own Redis user', () => {
  it('should answer from the generation the pointer names, in one Redis command per request', async () => {
    // prepare
    await admin.zadd(generationKeys(0).leaderboard('one'), 5, 'u-low', 9, 'u-high');
    const sent = jest.spyOn(Redis.prototype, 'sendCommand');
    try {
      await asReader(async () => {
        // The first call connects (AUTH, ready check): the figure is the second call's.
        await getLeaderboard('one');
        sent.mockClear();

        // act
        const response = await getLeaderboard('one');

        // assess
        expect(response.statusCode).toBe(200);
        expect(entriesOf(response)).toEqual([
          { rank: 1, userId: 'u-high', points: 9 },
          { rank: 2, userId: 'u-low', points: 5 },
        ]);
        expect(sent.mock.calls.map(([command]) => command.name)).toEqual(['evalsha']);
      });
    } finally {
      sent.mockRestore();
    }
  });

  it("should see a replay's switch at once, and never a generation deleted after the switch, under concurrent reads", async () => {
    // prepare: generation 3 holds the old board, generation 4 the rebuilt one
    await admin.set(pointer, '3');
    await admin.zadd(generationKeys(3).leaderboard('switch'), 1, 'old');
    await admin.zadd(generationKeys(4).leaderboard('switch'), 2, 'new');

    const seen = await asReader(async () => {
      const answers: string[] = [];
      const reading = (async () => {
        for (let i = 0; i < 300; i++) {
          const batch = await Promise.all(Array.from({ length: 5 }, () => getLeaderboard('switch')));
          for (const response of batch)
            answers.push(
              entriesOf(response)
                .map((e) => e.userId)
                .join(',') || 'EMPTY',
            );
        }
      })();
      // act: the replay's last steps, while the reads run: move the pointer, then delete the old generation
      await new Promise((resolve) => setTimeout(resolve, 50));
      await admin.set(pointer, '4');
      await admin.del(generationKeys(3).leaderboard('switch'));
      await reading;
      // The very next read after the switch reads the new generation.
      answers.push(entriesOf(await getLeaderboard('switch'))[0]?.userId ?? 'EMPTY');
      return answers;
    });

    // assess: old answers, then new ones, and nothing in between
    expect(seen.filter((answer) => answer !== 'old' && answer !== 'new')).toEqual([]);
    expect(seen.at(-1)).toBe('new');
    expect(seen.lastIndexOf('old')).toBeLessThan(seen.indexOf('new'));
  });

  it('should answer 429 with retry-after past the limit, count a request refused for its input, and answer 400 within it', async () => {
    // prepare: the key has 5 requests left in this window
    const window = rateLimitWindow(NAMESPACE, LIMITED_KEY, LIMIT, 60, Date.now());
    await admin.set(window.counter, String(LIMIT - 5), 'EX', window.ttlSeconds);
    await asReader(async () => {
      const statuses: Array<number | undefined> = [];
      for (let i = 0; i < 4; i++) statuses.push((await getLeaderboard('one', { key: LIMITED_KEY })).statusCode);
      // The fifth request has a bad limit: 400, and it counts.
      statuses.push((await getLeaderboard('one', { key: LIMITED_KEY, limit: '0' })).statusCode);
      const bad = await getLeaderboard('one', { key: LIMITED_KEY, limit: '0' });
      const over = await getLeaderboard('one', { key: LIMITED_KEY });
      expect(statuses).toEqual([200, 200, 200, 200, 400]);
      expect(bad.statusCode).toBe(429);
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another key has its own budget.
      expect((await getLeaderboard('one')).statusCode).toBe(200);
    });
  });
});

describe('the counted read script under a read route user', () => {
  const rateLimit = () => ({ counter: redisKeys(NAMESPACE).rateLimit(`script-${Date.now()}`, 1), ttlSeconds: 61, limit: 2 });
  const read = (reads: ReadonlyArray<GenerationRead<unknown>>, limits = rateLimit()) =>
    asReader(() => guardedRedis((redis) => countedGenerationRead(redis, { namespace: NAMESPACE, projection: 'leaderboards', rateLimit: limits, reads })));

  it('should read nothing past the limit, and give the counter an expiry', async () => {
    const limits = rateLimit();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await read([topScoresRead(generationRelativeKeys.leaderboard('one'), 0, 0)], limits));
    expect(answers.map((answer) => ({ count: answer.count, over: answer.over }))).toEqual([
      { count: 1, over: false },
      { count: 2, over: false },
      { count: 3, over: true },
    ]);
    expect(answers[2]).not.toHaveProperty('replies');
    const ttl = await admin.ttl(limits.counter);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61);
  });

  it("should be refused what the user may not do with plain commands: another projection's family, a write", async () => {
    const write: GenerationRead<unknown> = { command: 'SET', keys: [generationRelativeKeys.leaderboard('one')], args: ['x'], decode: (reply) => reply };
    await expect(read([hashFieldRead(generationRelativeKeys.flags(), 'x')])).rejects.toThrow(/NOPERM|can't access at least one of the keys|can't run this command/);
    await expect(read([write])).rejects.toThrow(/NOPERM|can't access at least one of the keys|can't run this command/);
    expect(await admin.exists(generationKeys(4).leaderboard('one'))).toBe(0);
  });
});
