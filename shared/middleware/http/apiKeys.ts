import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { HttpError } from '../../http/HttpError';
import { apiKeySourceFromEnv, keyDigest, type ApiKeySource } from './apiKeySource';

/** Constant time: every configured key is compared, on equal-length digests, whatever matches first. */
export function matchesAnyKey(candidate: string, keyDigests: readonly Buffer[]): boolean {
  const given = keyDigest(candidate);
  let found = false;
  for (const key of keyDigests) found = timingSafeEqual(given, key) || found;
  return found;
}

/** Query parameters a client might put a key in: refused with a reason, since URLs end up in logs and histories. */
const KEY_QUERY_PARAMETERS = ['x-api-key', 'api_key', 'apikey', 'api-key', 'key'];

/** The header every 401 carries (RFC 9110 section 11.6.1): which scheme, and where the key goes. */
export const API_KEY_CHALLENGE = 'ApiKey header="x-api-key"';

/**
 * Why a request's key is refused, or undefined when it holds one of the keys. The one decision behind
 * every route's 401, the functions' (apiKeys) and the local runtime's own pages (emulator/ops) alike.
 */
export function apiKeyRefusal(given: string | undefined, queryNames: Iterable<string>, keyDigests: readonly Buffer[]): string | undefined {
  if (given === undefined || given === '') {
    for (const name of queryNames) if (KEY_QUERY_PARAMETERS.includes(name)) return 'an API key goes in the x-api-key header, never in the URL; a valid x-api-key header is required';
    return 'a valid x-api-key header is required';
  }
  return matchesAnyKey(given, keyDigests) ? undefined : 'a valid x-api-key header is required';
}

const unauthorized = (reason: string) => new HttpError(401, reason, { headers: { 'www-authenticate': API_KEY_CHALLENGE } });

/**
 * Every request needs one of the configured keys in the `x-api-key` header, and only there: 401
 * otherwise. Keys are held only as digests and never logged. No keys configured, or keys that cannot
 * be read, fail every request (a 500 with an error log, apiKeySourceFromEnv): there is no open mode.
 */
export function apiKeys(opts: { source?: ApiKeySource } = {}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const source = opts.source ?? apiKeySourceFromEnv();
  const apiKeysBefore = async (request: { event: APIGatewayProxyEventV2 }) => {
    const digests = await source.digests();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a hand-written event (npm run invoke) may have no headers at all
    const refusal = apiKeyRefusal(request.event.headers?.['x-api-key'], Object.keys(request.event.queryStringParameters ?? {}), digests);
    if (refusal !== undefined) throw unauthorized(refusal);
  };
  return { before: apiKeysBefore };
}
