import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import { portOpen } from '../../emulator/services/portOpen';
import { parkingLotOf, WORKFLOW_STEPS } from '../../shared/routes/workflow';
import { declareWorkflowTopology } from '../../shared/workflow/declareWorkflowTopology';
import { trackChild, untrackChild } from './childProcesses';
import { waitFor } from './waitUntil';

const run = promisify(execFile);
/** Debian's scripts run as root here; /usr/sbin's wrappers would switch to the rabbitmq user and its cookie. */
const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const RABBITMQCTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';
const RABBITMQCTL_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 90_000;

/**
 * A RabbitMQ node of the suite's own (its own node name, ports, data and Erlang cookie; only the
 * management plugin, through which the runtime makes its per-function users as on Amazon MQ),
 * with the workflow topology declared on its default vhost. The "RabbitMQ restart" fault stops and
 * starts the application of this node only: `rabbitmqctl stop_app` on the shared broker (5672) would
 * cut every other worktree's tests and runtimes off at the same time. It also keeps the workflow
 * private: in a shared vhost another runtime (on another Kafka) would take some of the suite's
 * commands, and those orders would look lost here. Boots in about 3 s; deleted with its folder's run.
 */
export class PrivateRabbitMq {
  readonly name: string;
  readonly url: string;
  readonly managementUrl: string;
  private process: ChildProcess | undefined;
  private readonly env: NodeJS.ProcessEnv;

  constructor(runDir: string, readonly port: number, distPort: number, managementPort: number) {
    const dir = join(runDir, 'rabbitmq');
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_management].\n');
    writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = ${managementPort}\n`);
    this.managementUrl = `http://127.0.0.1:${managementPort}`;
    this.name = `triplane-faults-${port}@localhost`;
    this.url = `amqp://guest:guest@127.0.0.1:${port}`;
    // HOME holds the node's Erlang cookie: rabbitmqctl below runs with the same HOME, so only the suite can reach the node.
    this.env = {
      ...process.env,
      HOME: home,
      RABBITMQ_NODENAME: this.name,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
      RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
    };
  }

  async start(): Promise<void> {
    // RUNNING_UNDER_SYSTEMD makes the script exec the Erlang VM (no wrapper shell whose death would
    // leave the VM running), and a process group of its own lets the exit handler kill its helpers too.
    const child = spawn(RABBITMQ_SERVER, [], { env: { ...this.env, RUNNING_UNDER_SYSTEMD: '1' }, stdio: 'ignore', detached: true });
    this.process = child;
    trackChild(child.pid, true);
    await waitFor(
      `the suite's RabbitMQ node on port ${this.port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`rabbitmq-server exited with ${child.exitCode} (logs in ${this.env.RABBITMQ_LOG_BASE})`);
        return (await portOpen(this.port)) ? true : undefined;
      },
      START_TIMEOUT_MS,
      200,
    );
    await this.ctl('await_startup');
    const connection = await connect(this.url);
    connection.on('error', () => undefined);
    try {
      await declareWorkflowTopology(await connection.createChannel());
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  /** rabbitmqctl against this node only. */
  async ctl(...args: string[]): Promise<void> {
    await run(RABBITMQCTL, ['-n', this.name, ...args], { env: this.env, timeout: RABBITMQCTL_TIMEOUT_MS });
  }

  /** Messages sitting in the parking lots (the node is the suite's own, so every one is the suite's). */
  async parked(): Promise<number> {
    const connection = await connect(this.url);
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      let total = 0;
      for (const step of WORKFLOW_STEPS) total += (await channel.checkQueue(parkingLotOf(step.queue))).messageCount;
      return total;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  /** Stops the node (rabbitmqctl stop), or kills it when it does not answer. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await this.ctl('stop').catch(() => child.kill('SIGKILL'));
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 15_000))]);
    if (timedOut) child.kill('SIGKILL');
    untrackChild(child.pid);
  }
}
