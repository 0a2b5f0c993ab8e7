import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_KEY_CHALLENGE, apiKeyRefusal } from '../../shared/middleware/http/apiKeys';

export const isOpsPath = (path: string): boolean => path === '/ops' || path.startsWith('/ops/');

/**
 * The ops view shows queue depths, consumer lag and error counts: the same key as every route guards
 * it, in the x-api-key header only, with the same 401 as the functions give (shared/middleware/http).
 * True when the request may go on; otherwise it has been answered 401.
 */
export function opsAuthorized(req: IncomingMessage, res: ServerResponse, keyDigests: readonly Buffer[]): boolean {
  const given = req.headers['x-api-key'];
  const queryNames = new URL(req.url ?? '/', 'http://localhost').searchParams.keys();
  const refusal = apiKeyRefusal(typeof given === 'string' ? given : undefined, queryNames, keyDigests);
  if (refusal === undefined) return true;
  res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': API_KEY_CHALLENGE, 'cache-control': 'no-store' }).end(JSON.stringify({ error: refusal }));
  return false;
}
