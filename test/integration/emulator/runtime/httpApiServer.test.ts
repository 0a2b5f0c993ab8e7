import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { startHttpApiServer } from '../../../../emulator/runtime/httpApiServer';

describe('startHttpApiServer', () => {
  it('should send a text body as UTF-8 bytes with their length, and a base64 body as its bytes', async () => {
    const text = JSON.stringify({ path: '/é/😀', ids: Array.from({ length: 200 }, (_, i) => `id-${i}`) });
    const seen: APIGatewayProxyEventV2[] = [];
    const { server, url } = await startHttpApiServer(
      [
        {
          method: 'POST',
          path: '/events',
          target: {
            functionName: 'f',
            invoke: (event: unknown) => {
              seen.push(event as APIGatewayProxyEventV2);
              return Promise.resolve({ statusCode: 202, headers: { 'content-type': 'application/json' }, body: text });
            },
          },
        },
        { method: 'GET', path: '/bytes', target: { functionName: 'g', invoke: () => Promise.resolve({ statusCode: 200, body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true }) } },
      ],
      0,
      () => undefined,
    );
    try {
      const response = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"x"}' });
      expect(response.status).toBe(202);
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(await response.text()).toBe(text);
      expect(seen[0]?.body).toBe('{"type":"x"}');
      const bytes = await fetch(`${url}/bytes`);
      expect(Buffer.from(await bytes.arrayBuffer())).toEqual(Buffer.from([0, 255, 1]));
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
