import { applyRedisUsers } from '../emulator/services/applyAccessControl';
import { startRedisServer, type RedisServerProcess } from '../tools/redis/redisServer';
import { trackChild, untrackChild } from './childProcesses';

/**
 * A redis-server of a run's own (tools/redis's lifecycle), on its own port, with nothing persisted:
 * restarting it loses every key, which is the fault suite's fault under test. The shared Redis on 6379
 * is never restarted (other work uses it).
 */
export class PrivateRedis {
  readonly url: string;
  private server: RedisServerProcess | undefined;

  /** The namespace whose per-function ACL users every start makes, as ElastiCache keeps its users across a node's restart. */
  constructor(
    readonly port: number,
    readonly namespace: string,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  get running(): boolean {
    return this.server?.running ?? false;
  }

  async start(): Promise<void> {
    this.server = await startRedisServer(this.port);
    trackChild(this.server.pid, false);
    await applyRedisUsers(this.url, this.namespace);
  }

  /** SIGKILL, as a crashed node: no shutdown save (there is none anyway), every key gone. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await server.kill();
    untrackChild(server.pid);
  }
}
