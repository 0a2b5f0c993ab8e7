import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { isUnavailable } from '../../../../shared/resilience/downstream';
import { isConnectionError } from '../../../../shared/resilience/connectionError';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connection errors are outages (503), not defects (500)', () => {
  it('should take the error ioredis gives a request while it cannot reach the server for an outage', async () => {
    const redis = new Redis(await closedPort(), '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 20, lazyConnect: false });
    redis.on('error', () => undefined);
    const error = await redis.get('k').then(
      () => undefined,
      (e: unknown) => e,
    );
    redis.disconnect();
    expect(error).toBeInstanceOf(Error);
    expect(isConnectionError(error)).toBe(true);
    expect(isUnavailable(error)).toBe(true);
  });

  it('should take a refused socket for an outage', async () => {
    const port = await closedPort();
    const error = await new Promise<unknown>((resolve) => createConnection(port, '127.0.0.1').on('error', resolve));
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isConnectionError(error)).toBe(true);
  });

  it('should not take a server reply, a permission error or a non-error for one', () => {
    for (const message of ['ERR wrong number of arguments', 'NOPERM this user has no permissions', 'WRONGTYPE Operation against a key holding the wrong kind of value']) {
      expect(isConnectionError(new Error(message))).toBe(false);
    }
    expect(isConnectionError('Connection is closed.')).toBe(false);
    expect(isConnectionError({ code: 'ECONNREFUSED' })).toBe(false);
  });
});
