import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const TEXT_CONTENT = /^(text\/|application\/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript))/i;

export interface RawHttpRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
}

/**
 * The API Gateway HTTP API payload 2.0 event for a request: lower-cased headers with repeats joined by
 * commas, cookies apart, query parameters joined by commas, and a body that is base64 unless its
 * content type is text. Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function toHttpApiEvent(request: RawHttpRequest, routeKey: string, pathParameters: Record<string, string>, now = new Date(), requestId: string = randomUUID()): APIGatewayProxyEventV2 {
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies = (Array.isArray(value) ? value.join('; ') : value).split(/;\s*/).filter(Boolean);
      continue;
    }
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // A Map, then own properties: with a plain object, `?constructor=x` would be joined to the inherited
  // Object function and `?__proto__=x` silently lost.
  const joined = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    const before = joined.get(name);
    joined.set(name, before === undefined ? value : `${before},${value}`);
  }
  const query: Record<string, string> = Object.fromEntries(joined);
  const contentType = headers['content-type'] ?? '';
  const isText = request.body.length === 0 || contentType === '' || TEXT_CONTENT.test(contentType);
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: { method: request.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body.length > 0 ? { body: isText ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

/**
 * What API Gateway makes of a handler's result with payload 2.0: a result without statusCode is
 * taken as a 200 JSON body. Source: same page, "Lambda function response format".
 * A text body stays a string: node:http sends a string body in one write with the head (a Buffer goes
 * as a writev of the two), and copying ingest's ~10 KB answer into a Buffer first was a copy per request.
 */
export function fromHttpApiResult(result: unknown): { statusCode: number; headers: Record<string, string>; cookies: string[]; body: Buffer | string } {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: JSON.stringify(result ?? null) };
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const body = structured.body ?? '';
  return {
    statusCode: structured.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(structured.headers ?? {}).map(([k, v]) => [k, String(v)])),
    cookies: structured.cookies ?? [],
    body: structured.isBase64Encoded ? Buffer.from(body, 'base64') : body,
  };
}
