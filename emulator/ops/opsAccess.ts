import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchesAnyKey } from '../../shared/middleware/http/apiKeys';

export const isOpsPath = (path: string): boolean => path === '/ops' || path.startsWith('/ops/');

/**
 * The ops view shows queue depths, consumer lag and error counts: the same key as every route guards
 * it, in the x-api-key header only. True when the request may go on; otherwise it has been answered 401.
 */
export function opsAuthorized(req: IncomingMessage, res: ServerResponse, keyDigests: readonly Buffer[]): boolean {
  const given = req.headers['x-api-key'];
  if (typeof given === 'string' && given !== '' && matchesAnyKey(given, keyDigests)) return true;
  res
    .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'ApiKey header="x-api-key"', 'cache-control': 'no-store' })
    .end(JSON.stringify({ error: 'a valid x-api-key header is required' }));
  return false;
}
