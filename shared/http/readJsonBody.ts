import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './HttpError';

/** With the u flag a pair is one code point, so only a surrogate standing alone matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The request body as JSON, with the limits checked before parsing: 413 past `maxBytes`, 400 with the
 * parser's reason for bad JSON. API Gateway base64-encodes bodies it considers binary.
 */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  // Absent in API Gateway's events, but null in the console's test events and other hand-written ones.
  const raw = event.body as string | null | undefined;
  if (raw === undefined || raw === null || raw === '') throw new HttpError(400, 'a JSON body is required');
  // Text is parsed as it came, unless it holds a lone surrogate, which the UTF-8 round trip turns into
  // U+FFFD as API Gateway's decoding of the bytes sent would (API Gateway's own events never hold one).
  const decoded = event.isBase64Encoded ? Buffer.from(raw, 'base64') : LONE_SURROGATE.test(raw) ? Buffer.from(raw, 'utf8') : undefined;
  const size = decoded === undefined ? Buffer.byteLength(raw, 'utf8') : decoded.length;
  if (size > maxBytes) {
    throw new HttpError(413, `body is ${size} bytes; at most ${maxBytes} are accepted`, { details: { maxBytes } });
  }
  try {
    return JSON.parse(decoded === undefined ? raw : decoded.toString('utf8')) as unknown;
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON: ${(error as Error).message}`);
  }
}
