import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { SAFE_ID_PATTERN } from '../envelope/eventId';
import { HttpError } from './HttpError';

/** A path parameter that will be part of a Redis key: checked against the id alphabet, else 400. */
export function pathId(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') throw new HttpError(400, `path parameter ${name} is required`);
  const decoded = safeDecode(value);
  if (!SAFE_ID_PATTERN.test(decoded)) {
    throw new HttpError(400, `path parameter ${name} must be 1-128 characters of A-Z a-z 0-9 . _ @ -`, { details: { field: name } });
  }
  return decoded;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
