import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { applyRedisUsers } from '../../emulator/services/applyAccessControl';
import { trackChild, untrackChild } from './childProcesses';
import { waitFor } from './waitUntil';

/**
 * A redis-server of the suite's own, on its own port, with nothing persisted: restarting it loses every
 * key, which is the fault under test. The shared Redis on 6379 is never restarted (other work uses it).
 */
export class PrivateRedis {
  readonly port: number;
  readonly url: string;
  private process: ChildProcess | undefined;

  /** The namespace whose per-function ACL users every start makes, as ElastiCache keeps its users across a node's restart. */
  readonly namespace: string;

  constructor(port: number, namespace: string) {
    this.port = port;
    this.namespace = namespace;
    this.url = `redis://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    this.process = child;
    trackChild(child.pid, false);
    const probe = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    // Refused connects are expected until the server listens; they are retried below, not reported.
    probe.on('error', () => undefined);
    try {
      await waitFor(
        `redis-server on port ${this.port}`,
        async () => {
          if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
          if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
          return (await probe.ping().catch(() => '')) === 'PONG' ? true : undefined;
        },
        10_000,
        100,
      );
    } finally {
      probe.disconnect();
    }
    await applyRedisUsers(this.url, this.namespace);
  }

  /** SIGKILL, as a crashed node: no shutdown save (there is none anyway), every key gone. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    untrackChild(child.pid);
  }
}
