import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** The one way a handler answers HTTP: JSON, never cached (state changes every few milliseconds). */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
