import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { closeRedisClient } from '../../shared/clients/redisClient';
import { lambdaContextOf } from '../support/lambdaContextOf';

/**
 * API keys and per-key rate limiting, through a real read handler and the real Redis. The keys are
 * configured before the handler module loads, as Lambda's environment would be.
 */
const KEY = `key-${Date.now()}-secret-value`;
process.env.TRIPLANE_API_KEYS = `other-key,${KEY}`;
process.env.TRIPLANE_RATE_LIMIT = '5';
process.env.TRIPLANE_RATE_LIMIT_WINDOW_SECONDS = '60';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../functions/list-flags/handler') as { handler: Handler };

const request = (headers: Record<string, string>) =>
  handler({ version: '2.0', routeKey: 'GET /flags', rawPath: '/flags', rawQueryString: '', headers, requestContext: { http: { method: 'GET', path: '/flags' } }, isBase64Encoded: false }, lambdaContextOf('list-flags'));

afterAll(async () => {
  await closeRedisClient();
});

describe('API keys and rate limiting', () => {
  it('should refuse a request without a key or with a wrong one, with 401 and a reason', async () => {
    const variants: Array<Record<string, string>> = [{}, { 'x-api-key': 'nope' }, { 'x-api-key': `${KEY}x` }];
    for (const headers of variants) {
      const response = await request(headers);
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(String(response.body))).toEqual({ error: 'a valid x-api-key header is required' });
    }
  });

  it('should let a valid key through until its rate limit, then answer 429 with retry-after, never logging the key', async () => {
    const logged: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    const statuses: Array<number | undefined> = [];
    let limited: APIGatewayProxyStructuredResultV2 | undefined;
    try {
      for (let i = 0; i < 7; i++) {
        const response = await request({ 'x-api-key': KEY });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) limited = response;
      }
      // Another key has a budget of its own.
      expect((await request({ 'x-api-key': 'other-key' })).statusCode).toBe(200);
    } finally {
      spy.mockRestore();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(limited?.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(logged.join('')).not.toContain(KEY);
  });
});
