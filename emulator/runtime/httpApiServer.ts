import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromHttpApiResult, toHttpApiEvent } from './httpApiEvent';
import { compileRoutes, matchRoute } from './httpApiRoutes';
import type { Invoke } from './loadedFunction';

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpRouteTarget {
  functionName: string;
  invoke: Invoke;
}

const send = (res: import('node:http').ServerResponse, status: number, message: string) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
};

/**
 * One HTTP server for every httpApi route, answering as API Gateway would: 404 for no route, 413 past
 * its payload limit, 500 "Internal Server Error" when the function fails or times out.
 */
export async function startHttpApiServer(
  routes: Array<{ method: string; path: string; target: HttpRouteTarget }>,
  port: number,
  onError: (functionName: string, error: unknown) => void,
  /** Pages of the runtime itself (the ops view), answered before the functions' routes. */
  ownRoutes?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean,
): Promise<{ server: Server; url: string }> {
  const compiled = compileRoutes(routes);
  // No request can stop the process: an error thrown while answering one (a URL Node cannot parse, a
  // bug in a page of the runtime) is a 500 for that request alone, never an uncaught exception.
  const failed = (res: import('node:http').ServerResponse, error: unknown) => {
    onError('http-api', error);
    if (!res.headersSent) send(res, 500, 'Internal Server Error');
    else res.destroy();
  };
  const server = createServer((req, res) => {
    try {
      answer(req, res);
    } catch (error) {
      failed(res, error);
    }
  });
  const answer = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    if (ownRoutes?.(req, res) === true) return;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', (error) => failed(res, error));
    req.on('end', () => {
      try {
        ended();
      } catch (error) {
        failed(res, error);
      }
    });
    const ended = (): void => {
      if (size > MAX_BODY_BYTES) {
        send(res, 413, 'Request Entity Too Large');
        return;
      }
      const method = req.method ?? 'GET';
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const matched = matchRoute(compiled, method, path);
      if (matched === undefined) {
        send(res, 404, 'Not Found');
        return;
      }
      const event = toHttpApiEvent(
        { method, url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks), sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
        matched.route.routeKey,
        matched.pathParameters,
      );
      matched.route.target.invoke(event).then(
        (result) => {
          const response = fromHttpApiResult(result);
          const headers: Record<string, string | string[]> = { ...response.headers };
          if (response.cookies.length > 0) headers['set-cookie'] = response.cookies;
          // As API Gateway answers: with a Content-Length, not chunked (writeHead before end left node:http
          // no length, so every answer went as chunks: a size line, the body and a last chunk).
          // A 204 or 304 has no body and no length (RFC 9110, 8.6).
          const bodiless = response.statusCode === 204 || response.statusCode === 304 || response.statusCode < 200;
          if (!bodiless && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length' || name.toLowerCase() === 'transfer-encoding')) {
            headers['content-length'] = String(typeof response.body === 'string' ? Buffer.byteLength(response.body) : response.body.length);
          }
          res.writeHead(response.statusCode, headers).end(response.body);
        },
        (error: unknown) => {
          onError(matched.route.target.functionName, error);
          if (!res.headersSent) send(res, 500, 'Internal Server Error');
        },
      );
    };
  };
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${address.port}` };
}
