import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { HttpError } from '../../http/HttpError';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant time: every configured key is compared, on equal-length digests, whatever matches first. */
export function matchesAnyKey(candidate: string, keyDigests: readonly Buffer[]): boolean {
  const given = digest(candidate);
  let found = false;
  for (const key of keyDigests) found = timingSafeEqual(given, key) || found;
  return found;
}

export const apiKeysFromEnv = (): string[] =>
  (process.env.TRIPLANE_API_KEYS ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');

/**
 * When keys are configured (TRIPLANE_API_KEYS, comma-separated), every request needs one of them in
 * `x-api-key`. Keys are held only as digests and never logged.
 */
export function apiKeys(opts: { keys?: string[] } = {}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context> {
  const keyDigests = (opts.keys ?? apiKeysFromEnv()).map(digest);
  const apiKeysBefore = (request: { event: APIGatewayProxyEventV2 }) => {
    if (keyDigests.length === 0) return;
    const given = request.event.headers?.['x-api-key'];
    if (given === undefined || !matchesAnyKey(given, keyDigests)) {
      throw new HttpError(401, 'a valid x-api-key header is required', { headers: { 'www-authenticate': 'ApiKey header="x-api-key"' } });
    }
  };
  return { before: apiKeysBefore };
}
