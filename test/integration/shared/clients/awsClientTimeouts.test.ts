import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setEnvironment } from '../../../../emulator/config/localConfig';
import { AWS_MAX_ATTEMPTS, AWS_REQUEST_TIMEOUT_MS } from '../../../../shared/clients/awsClientConfig';
import { readUserSecret } from '../../../../shared/clients/userSecret';

/**
 * An AWS endpoint that accepts connections and never answers, as a VPC with no route to the service
 * behaves from the function's side: the functions' real call (readUserSecret) must give up after its
 * bounded attempts with an error, not hang until Lambda's timeout.
 */
let server: Server;
const sockets: Socket[] = [];
let connections = 0;
const variables = { AWS_ENDPOINT_URL_SECRETS_MANAGER: '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));

beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  setEnvironment({ ...variables, AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});

afterAll(async () => {
  setEnvironment(saved);
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('an AWS SDK call to an endpoint that never answers', () => {
  it('should fail after its bounded attempts, each cut at the request timeout', async () => {
    const started = Date.now();
    const error = await readUserSecret('arn:aws:secretsmanager:us-east-1:123456789012:secret:never-answered').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const elapsed = Date.now() - started;
    expect(error?.name).toBe('TimeoutError');
    expect(connections).toBe(AWS_MAX_ATTEMPTS);
    expect(elapsed).toBeGreaterThanOrEqual(AWS_MAX_ATTEMPTS * AWS_REQUEST_TIMEOUT_MS - 500);
    // The attempts plus the SDK's backoff between them (at most a few seconds), nothing like Lambda's limits.
    expect(elapsed).toBeLessThan(AWS_MAX_ATTEMPTS * AWS_REQUEST_TIMEOUT_MS + 10_000);
  }, 60_000);
});
