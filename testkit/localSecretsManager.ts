import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setEnvironment } from '../emulator/config/localConfig';

/**
 * Secrets Manager's GetSecretValue on a local port, for tests of code that reads a secret: the AWS SDK
 * is pointed at it with AWS_ENDPOINT_URL_SECRETS_MANAGER. It answers from `secrets` and records each
 * request as "<target> <secret id>".
 */
export class LocalSecretsManager {
  readonly secrets = new Map<string, unknown>();
  readonly requested: string[] = [];
  private server: Server | undefined;

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { SecretId } = JSON.parse(body) as { SecretId: string };
        this.requested.push(`${String(req.headers['x-amz-target'])} ${SecretId}`);
        const secret = this.secrets.get(SecretId);
        res.writeHead(secret === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(secret === undefined ? { __type: 'ResourceNotFoundException', message: 'no such secret' } : { ARN: SecretId, Name: SecretId, SecretString: JSON.stringify(secret) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    setEnvironment({
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    // The SDK keeps its connections alive: close them too, or the test process waits on them.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }
}
