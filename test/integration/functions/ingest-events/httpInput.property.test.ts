import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { MAX_LIMIT, parseLimit } from '../../../../functions/get-leaderboard/handler';
import { handler as ingestHandler } from '../../../../functions/ingest-events/handler';
import { parseIngestRequest } from '../../../../functions/ingest-events/parseIngestRequest';
import { toHttpApiEvent } from '../../../../emulator/runtime/httpApiEvent';
import { lambdaContext } from '../../../../emulator/runtime/lambdaContext';
import { SAFE_ID_PATTERN } from '../../../../shared/envelope/eventId';
import { pathId } from '../../../../shared/http/pathParameter';
import { readJsonBody } from '../../../../shared/http/readJsonBody';
import { requireJsonContentType } from '../../../../shared/http/requireJsonContentType';
import { TEST_API_KEY } from '../../../../testkit/testApiKey';
import { clientEventArb, expectHttpError, safeIdArb, thrownBy, unsafeIdArb } from '../../../../testkit/arbitraries';

const INGEST_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A payload 2.0 event as the local runtime builds it (the same shape API Gateway sends). */
function httpEvent(options: { path?: string; pathParameters?: Record<string, string>; body?: Buffer; contentType?: string; query?: string }): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = { host: 'localhost' };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  headers['x-api-key'] = TEST_API_KEY;
  return toHttpApiEvent(
    { method: options.body === undefined ? 'GET' : 'POST', url: `${options.path ?? '/'}${options.query ?? ''}`, headers, body: options.body ?? Buffer.alloc(0), sourceIp: '127.0.0.1' },
    'ANY /x',
    options.pathParameters ?? {},
  );
}

/** An event with a raw body string and base64 flag of our choosing (what a misbehaving proxy could send). */
function rawBodyEvent(body: string | undefined, isBase64Encoded: boolean): APIGatewayProxyEventV2 {
  const event = httpEvent({});
  return body === undefined ? { ...event, isBase64Encoded } : { ...event, body, isBase64Encoded };
}

const percentEncodedArb = fc.oneof(
  unsafeIdArb.map((id) => encodeURIComponent(id)),
  safeIdArb.map((id) => encodeURIComponent(id)),
  fc.string({ unit: fc.constantFrom('%', '2', '3', 'A', 'a', 'F', 'E', '0', 'x', ':'), maxLength: 12 }),
  fc.constantFrom('%', '%3', '%3A', '%2A', '%20', '%E0%A4%A', '%C0%AF', '%00', 'a%2Fb', '..', '%2e%2e', 'a%40b'),
);

describe('pathId (properties)', () => {
  it('should accept only values that decode to the id alphabet, and answer 400 naming the parameter otherwise', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), safeIdArb, unsafeIdArb, percentEncodedArb), fc.constantFrom('board', 'sessionId', 'userId', 'orderId', 'name'), (raw, name) => {
        const event = httpEvent({ pathParameters: { [name]: raw } });
        const error = thrownBy(() => pathId(event, name));
        if (error !== undefined) {
          expect(expectHttpError(error, [400]).message).toContain(name);
          return;
        }
        const value = pathId(event, name);
        expect(value).toMatch(SAFE_ID_PATTERN);
        expect(value).toBe(decodeURIComponent(raw));
      }),
      { numRuns: 500 },
    );
  });

  it('should accept any safe id, plain or percent-encoded, and refuse any unsafe one either way', () => {
    fc.assert(
      fc.property(safeIdArb, unsafeIdArb, fc.boolean(), (safe, unsafe, encode) => {
        const wrap = (id: string) => (encode ? encodeURIComponent(id) : id);
        expect(pathId(httpEvent({ pathParameters: { board: wrap(safe) } }), 'board')).toBe(safe);
        expectHttpError(
          thrownBy(() => pathId(httpEvent({ pathParameters: { board: wrap(unsafe) } }), 'board')),
          [400],
        );
      }),
      { numRuns: 400 },
    );
  });

  it('should answer 400 when the parameter is missing or empty', () => {
    for (const pathParameters of [undefined, {}, { board: '' }, { other: 'x' }]) {
      const event: APIGatewayProxyEventV2 = { ...httpEvent({}), pathParameters };
      expectHttpError(
        thrownBy(() => pathId(event, 'board')),
        [400],
      );
    }
  });
});

describe('parseLimit (properties)', () => {
  it('should return a whole number from 1 to 100 written in digits, or answer 400 naming limit', () => {
    const rawArb = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '-', '+', '.', 'e', ' ', 'x', '٣', '１'), maxLength: 8 }),
      fc.integer({ min: -1_000, max: 1_000 }).map(String),
      fc.double().map(String),
      fc.tuple(fc.nat({ max: 10 }), fc.integer({ min: 0, max: 200 })).map(([zeros, n]) => `${'0'.repeat(zeros)}${n}`),
      fc.constantFrom('0x10', '1e1', ' 5', '5 ', 'Infinity', 'NaN', '100', '101', '1', '0', '10.0', '9'.repeat(400)),
    );
    fc.assert(
      fc.property(rawArb, (raw) => {
        const error = thrownBy(() => parseLimit(raw));
        if (error !== undefined) {
          expect(expectHttpError(error, [400]).details).toEqual({ field: 'limit' });
          return;
        }
        const limit = parseLimit(raw);
        expect(raw).toMatch(/^[0-9]+$/);
        expect(Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIMIT).toBe(true);
        expect(limit).toBe(Number(raw));
      }),
      { numRuns: 500 },
    );
    expect(parseLimit(undefined)).toBe(10);
    expect(
      expectHttpError(
        thrownBy(() => parseLimit('')),
        [400],
      ).details,
    ).toEqual({ field: 'limit' });
  });

  it('should accept every whole number from 1 to 100 and refuse every other integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000, max: 10_000 }), (n) => {
        if (n >= 1 && n <= MAX_LIMIT) expect(parseLimit(String(n))).toBe(n);
        else
          expectHttpError(
            thrownBy(() => parseLimit(String(n))),
            [400],
          );
      }),
      { numRuns: 500 },
    );
  });
});

describe('readJsonBody (properties)', () => {
  it('should return the parsed JSON or answer 400/413 for arbitrary bodies, base64 or not', () => {
    const bodyArb = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.json(),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64')),
      fc.json().map((text) => Buffer.from(text).toString('base64')),
      fc.string({ unit: fc.constantFrom('A', 'z', '0', '+', '/', '=', '-', '_', '!', ' ', '{', '}'), maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.option(bodyArb, { nil: undefined }), fc.boolean(), fc.integer({ min: 0, max: 300 }), (body, isBase64Encoded, maxBytes) => {
        const event = rawBodyEvent(body, isBase64Encoded);
        const error = thrownBy(() => readJsonBody(event, maxBytes));
        const bytes = body === undefined ? undefined : isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
        if (error !== undefined) {
          const http = expectHttpError(error, [400, 413]);
          if (http.statusCode === 413) expect(bytes?.length ?? 0).toBeGreaterThan(maxBytes);
          return;
        }
        if (bytes === undefined) throw new Error('an absent body was accepted');
        expect(bytes.length).toBeLessThanOrEqual(maxBytes);
        expect(readJsonBody(event, maxBytes)).toEqual(JSON.parse(bytes.toString('utf8')));
      }),
      { numRuns: 500 },
    );
  });

  it('should answer 413 whenever the (decoded) body passes the limit, even when it is valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, base64) => {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify gives undefined for undefined, whatever lib.d.ts says
        const text = JSON.stringify(value) ?? 'null';
        const size = Buffer.byteLength(text);
        const event = rawBodyEvent(base64 ? Buffer.from(text).toString('base64') : text, base64);
        expect(readJsonBody(event, size)).toEqual(JSON.parse(text));
        if (size > 0)
          expectHttpError(
            thrownBy(() => readJsonBody(event, size - 1)),
            [413],
          );
      }),
      { numRuns: 400 },
    );
  });

  it('should survive deep nesting and huge bodies at the ingest limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom('[', '{"a":'), fc.boolean(), (depth, open, closed) => {
        const close = open === '[' ? ']' : '}';
        const text = `${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}`;
        const event = rawBodyEvent(text, false);
        const error = thrownBy(() => parseIngestRequest(readJsonBody(event, INGEST_MAX_BODY_BYTES)));
        expectHttpError(error, text.length > INGEST_MAX_BODY_BYTES ? [413] : [400]);
      }),
      { numRuns: 15 },
    );
    const oversized = rawBodyEvent(`"${'x'.repeat(INGEST_MAX_BODY_BYTES)}"`, false);
    expectHttpError(
      thrownBy(() => readJsonBody(oversized, INGEST_MAX_BODY_BYTES)),
      [413],
    );
  });
});

describe('POST /events handler with bad bodies (properties, no Kafka reached)', () => {
  const context = lambdaContext('ingest-events', 30, 512);

  /** True when the body would be accepted: such a body would reach Kafka, so the property skips it. */
  const wouldPublish = (event: APIGatewayProxyEventV2): boolean =>
    thrownBy(() => {
      requireJsonContentType(event);
      parseIngestRequest(readJsonBody(event, INGEST_MAX_BODY_BYTES));
    }) === undefined;

  const expectClientError = (response: unknown, statuses: readonly number[] = [400, 413, 415]): void => {
    const result = response as APIGatewayProxyStructuredResultV2;
    expect(statuses).toContain(result.statusCode);
    expect(result.headers?.['content-type']).toContain('application/json');
    const body = JSON.parse(result.body ?? '') as { error?: unknown };
    expect(typeof body.error === 'string' && body.error.trim() !== '').toBe(true);
  };

  it('should answer every malformed body or non-JSON content type with a 400, 413 or 415 JSON error, never a 500', async () => {
    const mutatedEventArb = fc
      .tuple(clientEventArb, fc.constantFrom('id', 'type', 'data', 'version', 'key'), fc.oneof(unsafeIdArb, fc.jsonValue({ maxDepth: 2 })))
      .map(([event, field, value]) => JSON.stringify({ events: [{ ...event, [field]: value }] }));
    const bodyArb = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => ({ body: Buffer.from(b), contentType: 'application/octet-stream' })),
      fc.string({ unit: 'binary' }).map((s) => ({ body: Buffer.from(s), contentType: 'application/json' })),
      fc.json().map((s) => ({ body: Buffer.from(s), contentType: 'application/json' })),
      fc.json().map((s) => ({ body: Buffer.from(s), contentType: 'application/octet-stream' })),
      mutatedEventArb.map((s) => ({ body: Buffer.from(s), contentType: 'application/json' })),
    );
    await fc.assert(
      fc.asyncProperty(bodyArb, async ({ body, contentType }) => {
        const event = httpEvent({ path: '/events', body, contentType });
        fc.pre(!wouldPublish(event));
        expectClientError(await ingestHandler(event, context));
      }),
      { numRuns: 200 },
    );
  });

  it('should answer 413 to a body past 5 MB and to more than 500 events', async () => {
    const big = httpEvent({ path: '/events', body: Buffer.alloc(INGEST_MAX_BODY_BYTES + 1, 0x20), contentType: 'application/json' });
    expectClientError(await ingestHandler(big, context), [413]);
    const many = Buffer.from(JSON.stringify({ events: Array.from({ length: 501 }, () => ({ type: 'page.viewed', data: { userId: 'u', path: '/' } })) }));
    expectClientError(await ingestHandler(httpEvent({ path: '/events', body: many, contentType: 'application/json' }), context), [413]);
  });
});
