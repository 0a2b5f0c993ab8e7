import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { provisionRabbitMqUsers } from '../../../../shared/security/rabbitMqUsers';

/**
 * The management API's transient answers, as a broker coming back gives them (nothing listening yet,
 * then 503s), against the fixed ones (401): the retry policy of provisionRabbitMqUsers, on real sockets.
 */
const permissions = { user: 'triplane-fn', configure: '^$', write: '^x$', read: '^y$' };

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('provisioning RabbitMQ users through the management API', () => {
  it('should wait for a broker that is not listening yet, then answers 503, and provision once it answers', async () => {
    // A port that is free now: the server starts listening on it only after a while.
    const probe = await listen(() => undefined);
    await probe.close();
    const paths: string[] = [];
    let unavailable = 2;
    let server: { close: () => Promise<void> } | undefined;
    const late = setTimeout(() => {
      void listen((req, res) => {
        paths.push(`${req.method ?? ''} ${req.url ?? ''}`);
        req.resume();
        res.statusCode = unavailable-- > 0 ? 503 : 204;
        res.end();
      }, probe.port).then((s) => (server = s));
    }, 600);
    try {
      await expect(provisionRabbitMqUsers({ url: `http://127.0.0.1:${probe.port}`, username: 'admin', password: 'pw' }, '/', [{ permissions, password: 'secret' }])).resolves.toBe(1);
    } finally {
      clearTimeout(late);
      await server?.close();
    }
    expect(paths).toEqual(['PUT /api/users/triplane-fn', 'PUT /api/users/triplane-fn', 'PUT /api/users/triplane-fn', 'PUT /api/permissions/%2F/triplane-fn']);
  });

  it('should fail at once on an answer that stays wrong (401), without trying again', async () => {
    let calls = 0;
    const server = await listen((req, res) => {
      calls++;
      req.resume();
      res.statusCode = 401;
      res.end('not authorised');
    });
    try {
      await expect(provisionRabbitMqUsers({ url: `http://127.0.0.1:${server.port}`, username: 'admin', password: 'wrong' }, '/', [{ permissions, password: 'secret' }])).rejects.toThrow(
        /answered 401: not authorised/,
      );
    } finally {
      await server.close();
    }
    expect(calls).toBe(1);
  });
});
