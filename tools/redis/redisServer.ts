import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { portOpen } from '../../emulator/services/portOpen';

/** Nothing persisted: Redis holds derived state only, rebuilt from Kafka (rule 5). */
const EPHEMERAL = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The machine's Redis on 6379 (what `npm start` and the tests share), started daemonized when nothing
 * listens there, then set to allkeys-lru with a 1 GB cap unless a cap is set: under memory pressure it
 * evicts derived state instead of refusing writes.
 */
export async function ensureMachineRedis(log: (message: string) => void): Promise<void> {
  if (!(await portOpen(6379))) {
    log('starting redis-server');
    mkdirSync('/var/lib/redis', { recursive: true });
    mkdirSync('/var/log/redis', { recursive: true });
    execFileSync('redis-server', ['--daemonize', 'yes', '--port', '6379', ...EPHEMERAL, '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/triplane.log']);
    const deadline = Date.now() + 10_000;
    while (!(await portOpen(6379))) {
      if (Date.now() > deadline) throw new Error('Redis did not become ready within 10 s');
      await sleep(100);
    }
  }
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-h', '127.0.0.1', ...args], { encoding: 'utf8' }).trim();
  if (cli('config', 'get', 'maxmemory').split('\n')[1] === '0') cli('config', 'set', 'maxmemory', '1gb');
  cli('config', 'set', 'maxmemory-policy', 'allkeys-lru');
}

export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGKILL, as a crashed node: every key gone. Resolves once the process exited (or after 5 s). */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that stops answering without closing a connection (the worst kind), and back. */
  freeze(): void;
  thaw(): void;
}

/**
 * A redis-server of the caller's own on `port`, a child of this process, with nothing persisted;
 * resolves once it answers PING. `args` adds settings (e.g. a small maxmemory).
 */
export async function startRedisServer(port: number, args: readonly string[] = []): Promise<RedisServerProcess> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), ...EPHEMERAL, ...args], { stdio: 'ignore' });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Refused connects are expected until the server listens; they are retried below, not reported.
  probe.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
      if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
      if ((await probe.ping().catch(() => '')) === 'PONG') break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`timed out after 10 s waiting for redis-server on port ${port}`);
      }
      await sleep(100);
    }
  } finally {
    probe.disconnect();
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    freeze() {
      child.kill('SIGSTOP');
    },
    thaw() {
      child.kill('SIGCONT');
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(5_000)]);
    },
  };
}
