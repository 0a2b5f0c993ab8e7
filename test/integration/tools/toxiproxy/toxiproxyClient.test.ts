import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToxiproxyClient } from '../../../../tools/toxiproxy/toxiproxyClient';
import { startToxiproxy, type ToxiproxyServer } from '../../../../tools/toxiproxy/toxiproxyServer';
import { freePort } from '../../../../tools/kafka/freePort';

// The real toxiproxy-server (built into the cache by ensureToxiproxy on first use) in front of a TCP
// echo server: what the fault suite relies on, that each toxic does to a connection what it says.
jest.setTimeout(120_000);

type Outcome = { echoed: string; ended: 'closed' | 'reset' | 'refused' | 'open' };

/** Sends `text`, collects what comes back for `waitMs`, and says how the connection ended. */
function exchange(port: number, text: string, waitMs = 700): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let echoed = '';
    let ended: Outcome['ended'] = 'open';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ echoed, ended });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk) => (echoed += chunk.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      ended = error.code === 'ECONNRESET' ? 'reset' : error.code === 'ECONNREFUSED' ? 'refused' : 'closed';
      finish();
    });
    socket.on('end', () => {
      if (ended === 'open') ended = 'closed';
      finish();
    });
  });
}

describe('toxiproxy (tools/toxiproxy)', () => {
  let dir: string;
  let server: ToxiproxyServer;
  let echo: Server;
  let client: ToxiproxyClient;
  let listenPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'triplane-toxiproxy-test-'));
    echo = createServer((socket) => {
      // toxiproxy resets or closes its upstream side too when a toxic cuts a connection.
      socket.on('error', () => undefined);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const address = echo.address();
    const echoPort = typeof address === 'object' && address !== null ? address.port : 0;
    server = await startToxiproxy({ apiPort: await freePort(), logFile: join(dir, 'toxiproxy.log') });
    client = new ToxiproxyClient(server.url);
    listenPort = await freePort();
    await client.createProxy({ name: 'echo', listen: `127.0.0.1:${listenPort}`, upstream: `127.0.0.1:${echoPort}` });
  }, 120_000);

  afterAll(async () => {
    // Either is unset if beforeAll failed before it.
    await (server as ToxiproxyServer | undefined)?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (echo as Server | undefined)?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await client.reset();
  });

  it('passes bytes through unchanged without toxics', async () => {
    expect(await exchange(listenPort, 'hello')).toEqual({ echoed: 'hello', ended: 'open' });
  });

  it('reset_peer cuts the connection with a TCP RST', async () => {
    await client.addToxic('echo', 'cut', { type: 'reset_peer', attributes: { timeout: 0 } });
    expect((await exchange(listenPort, 'hello')).ended).toBe('reset');
  });

  it('timeout lets nothing through and closes the connection after its timeout', async () => {
    await client.addToxic('echo', 'hole', { type: 'timeout', attributes: { timeout: 200 } }, { stream: 'upstream' });
    expect(await exchange(listenPort, 'hello', 3_000)).toEqual({ echoed: '', ended: 'closed' });
  });

  it('a disabled proxy refuses connections until enabled again', async () => {
    await client.setEnabled('echo', false);
    expect((await exchange(listenPort, 'hello')).ended).toBe('refused');
    await client.setEnabled('echo', true);
    expect(await exchange(listenPort, 'again')).toEqual({ echoed: 'again', ended: 'open' });
  });

  it('lists and removes toxics by name, and reset removes them all', async () => {
    await client.addToxic('echo', 'slow-up', { type: 'latency', attributes: { latency: 50, jitter: 10 } }, { stream: 'upstream' });
    await client.addToxic('echo', 'thin', { type: 'bandwidth', attributes: { rate: 100 } });
    expect((await client.toxics('echo')).sort()).toEqual(['slow-up', 'thin']);
    await client.removeToxic('echo', 'thin');
    expect(await client.toxics('echo')).toEqual(['slow-up']);
    expect(await exchange(listenPort, 'slowly', 2_000)).toEqual({ echoed: 'slowly', ended: 'open' });
    await client.reset();
    expect(await client.toxics('echo')).toEqual([]);
  });

  it('answers an unknown proxy or a toxic name already taken with an error naming the status', async () => {
    await expect(client.removeToxic('no-such-proxy', 'x')).rejects.toThrow(/answered 404/);
    await client.addToxic('echo', 'twice', { type: 'latency', attributes: { latency: 10 } });
    await expect(client.addToxic('echo', 'twice', { type: 'latency', attributes: { latency: 10 } })).rejects.toThrow(/toxiproxy POST \/proxies\/echo\/toxics answered 409/);
  });
});
