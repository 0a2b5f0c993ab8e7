import { redisUserOf } from '../../../../../shared/routes/derivedNames';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Redis } from 'ioredis';
import { localPassword } from '../../../../../emulator/services/applyAccessControl';
import { closeRedisClient, guardedRedis } from '../../../../../shared/clients/redisClient';
import { jsonResponse } from '../../../../../shared/http/jsonResponse';
import { apiKeys } from '../../../../../shared/middleware/http/apiKeys';
import { keyId } from '../../../../../shared/middleware/http/apiKeyRateLimit';
import { apiKeySourceFromEnv } from '../../../../../shared/middleware/http/apiKeySource';
import { httpErrors } from '../../../../../shared/middleware/http/httpErrors';
import { downstream, downstreamStatuses } from '../../../../../shared/resilience/downstream';
import { FUNCTIONS, httpTriggerOf } from '../../../../../shared/routes/functionCatalog';
import { redisKeys } from '../../../../../shared/state/redisKeys';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';
import { capturedLogs } from '../../../../../testkit/capturedLogs';
import { asRedisUser } from '../../../../../testkit/asRedisUser';
import { LocalSecretsManager } from '../../../../../testkit/localSecretsManager';
import { openApiResponseChecker } from '../../../../../testkit/openApiResponses';
import { OPENAPI_FILE } from '../../../../../shared/http/openApi/projectOpenApiDocument';
import { PROJECT_ROOT } from '../../../../../emulator/services/localPaths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * API keys and per-key rate limiting through the real handlers, each running as its own Redis ACL
 * user (made by `npm run services` from shared/security/redisAcl), against the real Redis. The keys
 * are configured before the handler modules load, as Lambda's environment would be.
 */
jest.setTimeout(30_000);
const KEY = `key-${Date.now()}-secret-value`;
const OTHER = `other-${Date.now()}-secret-value`;
const NOPERM_KEY = `noperm-${Date.now()}-secret-value`;
/** A key per HTTP function: each is counted once below, so none reaches the limit of 5. */
const fnKey = (name: string) => `fn-${name}-${process.pid}-secret-value`;
process.env.TRIPLANE_API_KEYS = ` ${OTHER} ,${KEY}, ${NOPERM_KEY},${FUNCTIONS.map((fn) => fnKey(fn.name)).join(',')}`;
process.env.TRIPLANE_RATE_LIMIT = '5';
process.env.TRIPLANE_RATE_LIMIT_WINDOW_SECONDS = '60';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
/** A function's handler, loaded when first called: a static import would load it before the variables above are set. */
const callHandler = async (name: string, event: unknown, context: unknown): Promise<APIGatewayProxyStructuredResultV2> => {
  const { handler } = (await import(`../../../../../functions/${name}/handler`)) as { handler: Handler };
  return handler(event, context);
};
const asUser = <T>(fn: string, run: () => Promise<T>): Promise<T> => {
  const username = redisUserOf({ name: fn }, 'tptest');
  return asRedisUser({ username, password: localPassword(username) }, run);
};

interface RequestOptions {
  headers?: Record<string, string>;
  query?: Record<string, string>;
  method?: 'GET' | 'POST';
  path?: string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
  body?: string;
}
const eventOf = (options: RequestOptions): APIGatewayProxyEventV2 => {
  const path = options.path ?? '/flags';
  const query = options.query ?? {};
  return {
    version: '2.0',
    routeKey: options.routeKey ?? `GET ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    headers: options.headers ?? {},
    ...(options.pathParameters === undefined ? {} : { pathParameters: options.pathParameters }),
    ...(options.body === undefined ? {} : { body: options.body }),
    requestContext: { http: { method: options.method ?? 'GET', path } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
};
const listFlags = (options: RequestOptions) => asUser('list-flags', () => callHandler('list-flags', eventOf(options), lambdaContextOf('list-flags')));

let admin: Redis;
const checkAnswer = openApiResponseChecker(JSON.parse(readFileSync(join(PROJECT_ROOT, OPENAPI_FILE), 'utf8')) as Record<string, unknown>);
/** What is wrong with a GET answer of `path` by the OpenAPI document (nothing when it is as documented). */
const documented = (path: string, response: APIGatewayProxyStructuredResultV2 | undefined): string[] =>
  response === undefined
    ? ['no response']
    : checkAnswer({ method: 'GET', path, status: response.statusCode ?? 0, contentType: String(response.headers?.['content-type']), headers: response.headers ?? {}, body: String(response.body) });
const windowNow = () => Math.floor(Date.now() / 1000 / 60);
const counterOf = async (key: string) => Number((await admin.get(redisKeys('tptest').rateLimit(keyId(key), windowNow()))) ?? 0);

beforeAll(() => {
  admin = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  await admin.quit();
  await closeRedisClient();
});

describe('API keys', () => {
  it('should refuse a missing, empty, wrong, padded or inherited-name key with 401 and a reason, without counting it', async () => {
    const before = await counterOf(KEY);
    const variants: Array<Record<string, string>> = [
      {},
      { 'x-api-key': '' },
      { 'x-api-key': 'nope' },
      { 'x-api-key': `${KEY}x` },
      { 'x-api-key': KEY.slice(0, -1) },
      { 'x-api-key': `${OTHER},${KEY}` },
      { 'x-api-key': 'constructor' },
      { 'x-api-key': '__proto__' },
      { 'x-api-key': 'toString' },
      { 'x-api-key': 'hasOwnProperty' },
      { authorization: `Bearer ${KEY}` },
    ];
    for (const headers of variants) {
      const response = await listFlags({ headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers?.['www-authenticate']).toBe('ApiKey header="x-api-key"');
      expect(JSON.parse(String(response.body))).toEqual({ error: 'a valid x-api-key header is required' });
    }
    expect(await counterOf(KEY)).toBe(before);
  });

  it('should refuse a key sent in the query string instead of the header, saying where it belongs', async () => {
    for (const name of ['x-api-key', 'api_key', 'apikey', 'key']) {
      const response = await listFlags({ query: { [name]: KEY } });
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(String(response.body))).toEqual({ error: 'an API key goes in the x-api-key header, never in the URL; a valid x-api-key header is required' });
    }
  });

  it('should refuse a key list that holds no key, and a function with no keys at all, loudly (500 and an error log)', async () => {
    for (const listed of [' , ', '', ',,', '   ']) await expect(apiKeySourceFromEnv({ TRIPLANE_API_KEYS: listed }).digests()).rejects.toThrow('TRIPLANE_API_KEYS is set but holds no API key');
    const { logs } = await capturedLogs(async () => {
      for (const env of [{}, { TRIPLANE_API_KEYS: ' , ' }]) {
        const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
          .use(httpErrors())
          .use(apiKeys({ source: apiKeySourceFromEnv(env) }))
          .handler(() => Promise.resolve(jsonResponse(200, { served: true })));
        const response = (await handler(eventOf({ headers: { 'x-api-key': KEY } }), lambdaContextOf('x'))) as APIGatewayProxyStructuredResultV2;
        expect(response.statusCode).toBe(500);
        expect(String(response.body)).not.toContain('served');
      }
    });
    expect(logs).toContain('no API keys are configured');
    expect(logs).toContain('holds no API key');
  });

  it('should accept keys named like inherited properties as ordinary keys, and nothing else', async () => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(httpErrors())
      .use(apiKeys({ source: apiKeySourceFromEnv({ TRIPLANE_API_KEYS: '__proto__,constructor' }) }))
      .handler(() => Promise.resolve(jsonResponse(200, { ok: true })));
    const status = async (key: string) => ((await handler(eventOf({ headers: { 'x-api-key': key } }), lambdaContextOf('x'))) as APIGatewayProxyStructuredResultV2).statusCode;
    expect(await status('__proto__')).toBe(200);
    expect(await status('constructor')).toBe(200);
    expect(await status('toString')).toBe(401);
    expect(await status('prototype')).toBe(401);
  });
});

/** Unknown ids: readers answer 404, or 200 where an empty answer is the answer; ingest refuses text/plain. */
const EXPECTED_STATUS: Record<string, number> = {
  'ingest-events': 415,
  'list-flags': 200,
  'get-leaderboard': 200,
  'get-flag': 404,
  'get-session': 404,
  'get-user-activity': 404,
  'get-order': 404,
  'get-openapi': 200,
};

describe("rate limiting under each HTTP function's own Redis user", () => {
  it("should count every authenticated request of every HTTP function, as that function's user, in one window counter per key", async () => {
    const key = `per-fn-${Date.now()}`;
    const before = new Map<string, number>();
    const http = FUNCTIONS.filter((fn) => fn.trigger.kind === 'http');
    expect(http.length).toBe(8);
    for (const fn of http) {
      before.set(fn.name, await counterOf(fnKey(fn.name)));
      const route = httpTriggerOf(fn);
      if (route === undefined) continue;
      const pathParameters = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [String(name), `unknown-${key}`]));
      const path = route.path.replace(/\{(\w+)\}/g, `unknown-${key}`);
      // POST /events as text/plain: authenticated, so counted, then refused (415) before Kafka.
      const response = await asUser(fn.name, () =>
        callHandler(
          fn.name,
          eventOf({
            method: route.method as 'GET' | 'POST',
            path,
            routeKey: `${route.method} ${route.path}`,
            pathParameters,
            headers: { 'x-api-key': fnKey(fn.name), 'content-type': 'text/plain' },
            body: route.method === 'POST' ? '{}' : undefined,
          }),
          lambdaContextOf(fn.name),
        ),
      );
      expect({ fn: fn.name, status: response.statusCode }).toEqual({ fn: fn.name, status: EXPECTED_STATUS[fn.name] });
      expect({ fn: fn.name, counted: (await counterOf(fnKey(fn.name))) - (before.get(fn.name) ?? 0) }).toEqual({ fn: fn.name, counted: 1 });
    }
    expect(downstreamStatuses().filter((guard) => guard.name === 'redis' && guard.state !== 'closed')).toEqual([]);
  });

  it('should let a valid key through until its limit, then answer 429 with retry-after; another key has its own budget; keys never logged', async () => {
    const statuses: Array<number | undefined> = [];
    let limited: APIGatewayProxyStructuredResultV2 | undefined;
    const used = await counterOf(KEY);
    const { logs } = await capturedLogs(async () => {
      for (let i = used; i < 7; i++) {
        const response = await listFlags({ headers: { 'x-api-key': KEY } });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) limited = response;
      }
      expect((await listFlags({ headers: { 'x-api-key': OTHER } })).statusCode).toBe(200);
    });
    expect(statuses.filter((s) => s === 200).length).toBe(Math.max(0, 5 - used));
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(Number(limited?.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(documented('/flags', limited)).toEqual([]);
    // The counter expires with its window: it never outlives it by more than a second.
    expect(await admin.ttl(redisKeys('tptest').rateLimit(keyId(KEY), windowNow()))).toBeGreaterThan(0);
    expect(await admin.ttl(redisKeys('tptest').rateLimit(keyId(KEY), windowNow()))).toBeLessThanOrEqual(61);
    expect(logs).not.toContain(KEY);
  });
});

describe('a permission error (NOPERM)', () => {
  const SCRATCH = 'tptest.scratch-noperm';
  beforeAll(async () => {
    // A user that may read flags but not run the rate-limit script: the rules of a broken deployment.
    await admin.call('ACL', 'SETUSER', SCRATCH, 'reset', 'on', `>${localPassword(SCRATCH)}`, '%R~tptest:*', '-@all', '+@connection', '+info', '+get', '+hgetall');
  });
  afterAll(async () => {
    await admin.call('ACL', 'DELUSER', SCRATCH);
  });
  const asScratch = <T>(run: () => Promise<T>) => asRedisUser({ username: SCRATCH, password: localPassword(SCRATCH) }, run);

  it('should fail that request with a 500 and an error log, and never open the Redis breaker the other calls share', async () => {
    // This test process is one function, as a Lambda process is: one Redis guard sees every denial.
    const breaker = downstream('redis');
    const deniedBefore = breaker.status().denied;
    const { logs } = await capturedLogs(async () => {
      // More than the 5 consecutive failures that open the breaker.
      for (let i = 0; i < 8; i++) {
        const response = await asScratch(() => callHandler('list-flags', eventOf({ headers: { 'x-api-key': NOPERM_KEY } }), lambdaContextOf('list-flags')));
        expect(response.statusCode).toBe(500);
        expect(JSON.parse(String(response.body))).toMatchObject({ error: 'internal error' });
        expect(documented('/flags', response)).toEqual([]);
      }
      for (let i = 0; i < 8; i++) await expect(asScratch(() => guardedRedis((redis) => redis.set('tptest:g0-flags:flags', 'x')))).rejects.toThrow(/NOPERM/);
    });
    expect(breaker.status().state).toBe('closed');
    expect(breaker.status().denied - deniedBefore).toBe(16);
    expect(logs).toContain('permission denied by a downstream');
    // A normal call, by a function with the right, still works.
    await expect(asUser('get-flag', () => guardedRedis((redis) => redis.get('tptest:generation:flags')))).resolves.not.toBeInstanceOf(Error);
    // The refused script ran nothing: the key was not counted.
    expect(await counterOf(NOPERM_KEY)).toBe(0);
    expect((await listFlags({ headers: { 'x-api-key': NOPERM_KEY } })).statusCode).toBe(200);
    expect(await counterOf(NOPERM_KEY)).toBe(1);
  });
});

describe('keys from Secrets Manager (deployed)', () => {
  const secretsManager = new LocalSecretsManager();
  const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:triplane-api-keys';
  beforeAll(() => secretsManager.start());
  afterAll(() => secretsManager.stop());

  it('should read the keys at cold start, keep them for the TTL, pick up a rotation after it, and keep the last keys if a refresh fails', async () => {
    let now = 1_000_000;
    secretsManager.secrets.set(ARN, { keys: 'first-key-aaaaaaaaaaaaaaaa' });
    const source = apiKeySourceFromEnv({ TRIPLANE_API_KEYS_SECRET_ARN: ARN, TRIPLANE_API_KEYS_TTL_SECONDS: '60' }, () => now);
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
      .use(httpErrors())
      .use(apiKeys({ source }))
      .handler(() => Promise.resolve(jsonResponse(200, { ok: true })));
    const status = async (key: string) => ((await handler(eventOf({ headers: { 'x-api-key': key } }), lambdaContextOf('x'))) as APIGatewayProxyStructuredResultV2).statusCode;
    const { logs } = await capturedLogs(async () => {
      expect(await status('first-key-aaaaaaaaaaaaaaaa')).toBe(200);
      expect(await status('second-key-bbbbbbbbbbbbbbb')).toBe(401);
      // Rotation: the new key is added, the old one removed.
      secretsManager.secrets.set(ARN, { keys: 'second-key-bbbbbbbbbbbbbbb' });
      now += 30_000;
      expect(await status('first-key-aaaaaaaaaaaaaaaa')).toBe(200);
      now += 31_000;
      expect(await status('second-key-bbbbbbbbbbbbbbb')).toBe(200);
      expect(await status('first-key-aaaaaaaaaaaaaaaa')).toBe(401);
      // Secrets Manager unreachable (the secret is gone): the last keys stay in use, and it is logged.
      secretsManager.secrets.delete(ARN);
      now += 61_000;
      expect(await status('second-key-bbbbbbbbbbbbbbb')).toBe(200);
    });
    expect(logs).toContain('refreshing the API keys from Secrets Manager failed');
    expect(secretsManager.requested.filter((r) => r.endsWith(ARN))).toHaveLength(3);
    for (const key of ['first-key-aaaaaaaaaaaaaaaa', 'second-key-bbbbbbbbbbbbbbb']) expect(logs).not.toContain(key);
  });

  it('should refuse every request at a cold start whose secret cannot be read or holds no key', async () => {
    const broken = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:broken';
    for (const secret of [undefined, { keys: ' , ' }, { other: 'x' }]) {
      if (secret === undefined) secretsManager.secrets.delete(broken);
      else secretsManager.secrets.set(broken, secret);
      await expect(apiKeySourceFromEnv({ TRIPLANE_API_KEYS_SECRET_ARN: broken }).digests()).rejects.toThrow();
    }
  });
});
