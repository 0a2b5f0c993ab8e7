import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './HttpError';

/**
 * The request body as JSON, with the limits checked before parsing: 413 past `maxBytes`, 400 with the
 * parser's reason for bad JSON. API Gateway base64-encodes bodies it considers binary.
 */
export function readJsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  // Absent in API Gateway's events, but null in the console's test events and other hand-written ones.
  const raw = event.body as string | null | undefined;
  if (raw === undefined || raw === null || raw === '') throw new HttpError(400, 'a JSON body is required');
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) {
    throw new HttpError(413, `body is ${bytes.length} bytes; at most ${maxBytes} are accepted`, { details: { maxBytes } });
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new HttpError(400, `body is not valid JSON: ${(error as Error).message}`);
  }
}
