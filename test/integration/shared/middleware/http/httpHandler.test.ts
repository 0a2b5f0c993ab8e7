import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { BrokenCircuitError } from 'cockatiel';
import { HttpError } from '../../../../../shared/http/HttpError';
import { jsonResponse } from '../../../../../shared/http/jsonResponse';
import { readJsonBody } from '../../../../../shared/http/readJsonBody';
import { requireJsonContentType } from '../../../../../shared/http/requireJsonContentType';
import { httpHandler, type HttpWork } from '../../../../../shared/middleware/http/httpHandler';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../../../emulator/services/localPaths';
import { OPENAPI_FILE } from '../../../../../shared/http/openApi/projectOpenApiDocument';
import { capturedLogs } from '../../../../../testkit/capturedLogs';
import { openApiResponseChecker } from '../../../../../testkit/openApiResponses';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';

/**
 * The HTTP handler factory around a route's work, as every HTTP function uses it: the answers it
 * gives for bad input, errors and outages. Integration: an authenticated request passes the per-key
 * rate limiter, which counts in the real local Redis. The key is this file's own, configured before
 * any handler is made, as Lambda's environment would be.
 */
const KEY = `http-handler-${process.pid}-secret-value`;
process.env.TRIPLANE_API_KEYS = KEY;

const MAX_BYTES = 64;

const eventOf = (options: { headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean } = {}): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /things',
    rawPath: '/things',
    rawQueryString: '',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...options.headers },
    body: options.body ?? '{"name":"a"}',
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: { http: { method: 'POST', path: '/things' } },
  }) as unknown as APIGatewayProxyEventV2;

/** The route's work: what ingest does with a body, then the answer `then` gives. */
const readingBody = (then: (body: unknown) => Promise<APIGatewayProxyStructuredResultV2>): HttpWork & { calls: unknown[] } => {
  const calls: unknown[] = [];
  const work = async (event: APIGatewayProxyEventV2) => {
    requireJsonContentType(event);
    const body = readJsonBody(event, MAX_BYTES);
    calls.push(body);
    return then(body);
  };
  return Object.assign(work, { calls });
};

const echo = readingBody((body) => Promise.resolve(jsonResponse(201, { got: body })));
const echoHandler = httpHandler(echo);

const call = async (handler: ReturnType<typeof httpHandler>, event: APIGatewayProxyEventV2 = eventOf()) => {
  const context = lambdaContextOf('unit-http-handler');
  const response = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  return { response, body: JSON.parse(String(response.body)) as Record<string, unknown>, requestId: context.awsRequestId };
};

const throwing = (error: Error) => httpHandler(() => Promise.reject(error));

describe('httpHandler', () => {
  it("should answer with the work's response for a valid request", async () => {
    const { response, body } = await call(echoHandler, eventOf({ body: '{"name":"café"}' }));
    expect(response.statusCode).toBe(201);
    expect(body).toEqual({ got: { name: 'café' } });
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  });

  it('should refuse a request without a valid API key with 401 before the work runs', async () => {
    const before = echo.calls.length;
    for (const headers of [{ 'x-api-key': '' }, { 'x-api-key': `${KEY}x` }]) {
      const { response, body } = await call(echoHandler, eventOf({ headers }));
      expect(response.statusCode).toBe(401);
      expect(response.headers?.['www-authenticate']).toBe('ApiKey header="x-api-key"');
      expect(body).toEqual({ error: 'a valid x-api-key header is required' });
    }
    expect(echo.calls.length).toBe(before);
  });

  it("should answer 400 with the parser's reason for a body that is not JSON", async () => {
    const { response, body } = await call(echoHandler, eventOf({ body: '{"name":' }));
    expect(response.statusCode).toBe(400);
    expect(body.error).toMatch(/^body is not valid JSON: /);
  });

  it('should answer 400 for a missing body', async () => {
    const { response, body } = await call(echoHandler, eventOf({ body: '' }));
    expect(response.statusCode).toBe(400);
    expect(body).toEqual({ error: 'a JSON body is required' });
  });

  it('should answer 415 naming what it accepts for a content type other than JSON, or a charset other than utf-8', async () => {
    const cases: Array<[string, string]> = [
      ['text/plain', 'content-type text/plain is not accepted; send application/json'],
      ['application/json; charset=latin1', 'charset latin1 is not accepted; JSON is sent as utf-8'],
      ['', 'a content-type: application/json header is required'],
    ];
    for (const [contentType, reason] of cases) {
      const { response, body } = await call(echoHandler, eventOf({ headers: { 'content-type': contentType } }));
      expect({ contentType, status: response.statusCode, accept: response.headers?.accept, body }).toEqual({ contentType, status: 415, accept: 'application/json', body: { error: reason } });
    }
  });

  it('should accept a declared utf-8 charset in either spelling, quoted or not', async () => {
    for (const contentType of ['application/json; charset=UTF-8', 'Application/JSON; charset="utf8"']) {
      expect((await call(echoHandler, eventOf({ headers: { 'content-type': contentType } }))).response.statusCode).toBe(201);
    }
  });

  it('should answer 413 with the limit for a body past it, counted in bytes after base64 decoding', async () => {
    // prepare: 40 characters of 2 bytes each is 80 bytes, past the 64 allowed
    const wide = JSON.stringify({ name: 'é'.repeat(40) });

    // act
    const plain = await call(echoHandler, eventOf({ body: wide }));
    const encoded = await call(echoHandler, eventOf({ body: Buffer.from(wide).toString('base64'), isBase64Encoded: true }));

    // assess
    for (const { response, body } of [plain, encoded]) {
      expect(response.statusCode).toBe(413);
      expect(body).toEqual({ error: `body is ${Buffer.byteLength(wide)} bytes; at most ${MAX_BYTES} are accepted`, maxBytes: MAX_BYTES });
    }
  });

  it('should send an HttpError with its status, reason, details and headers', async () => {
    const { response, body } = await call(throwing(new HttpError(409, 'order o-1 exists with other content', { details: { orderId: 'o-1' }, headers: { 'x-conflict': 'yes' } })));
    expect(response.statusCode).toBe(409);
    expect(response.headers).toMatchObject({ 'x-conflict': 'yes', 'content-type': 'application/json; charset=utf-8' });
    expect(body).toEqual({ error: 'order o-1 exists with other content', orderId: 'o-1' });
  });

  it('should answer an unexpected error with a 500 naming the request id, and log it without echoing it to the client', async () => {
    // act
    const { result, logs } = await capturedLogs(() => call(throwing(new Error('secret internals: password=hunter2'))));

    // assess
    expect(result.response.statusCode).toBe(500);
    expect(result.body).toEqual({ error: 'internal error', requestId: result.requestId });
    expect(String(result.response.body)).not.toContain('hunter2');
    expect(logs).toContain('unhandled error');
    expect(logs).toContain('hunter2');
    expect(logs).toContain(result.requestId);
  });

  it('should answer 503 with retry-after when a downstream is unavailable: breaker open or connection refused', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    for (const error of [new BrokenCircuitError(), refused]) {
      const { response, body } = await call(throwing(error));
      expect(response.statusCode).toBe(503);
      expect(response.headers?.['retry-after']).toBe('2');
      expect(body).toEqual({ error: 'temporarily unavailable, retry later', retryable: true });
    }
  });

  it("should give each of its own answers (401, 500, 503) as the OpenAPI document lists it for every function's route", async () => {
    const document = JSON.parse(readFileSync(join(PROJECT_ROOT, OPENAPI_FILE), 'utf8')) as { paths: Record<string, Record<string, { operationId: string; 'x-triplane-served-by'?: string }>> };
    const check = openApiResponseChecker(document);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    const answers = [
      await call(throwing(new Error('a defect'))),
      await call(throwing(new BrokenCircuitError())),
      await call(throwing(refused)),
      await call(echoHandler, eventOf({ headers: { 'x-api-key': '' } })),
      await call(echoHandler, eventOf({ headers: { 'x-api-key': 'not-a-configured-key' } })),
    ];
    expect(answers.map(({ response }) => response.statusCode)).toEqual([500, 503, 503, 401, 401]);
    const routes = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).flatMap(([method, op]) => (op['x-triplane-served-by'] === undefined ? [{ path, method }] : [])));
    expect(routes.length).toBeGreaterThan(0);
    const problems = routes.flatMap((route) =>
      answers.flatMap(({ response }) =>
        check({ ...route, status: response.statusCode ?? 0, contentType: String(response.headers?.['content-type']), headers: response.headers ?? {}, body: String(response.body) }),
      ),
    );
    expect(problems).toEqual([]);
  });
});
