import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { portOpen } from '../../emulator/services/portOpen';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Debian's scripts run as root here; /usr/sbin's wrappers would switch to the rabbitmq user and its cookie. */
const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const NODE_RABBITMQCTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';
const RABBITMQCTL_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 90_000;

async function waitForPort(what: string, port: number, timeoutMs: number, exited: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    const why = exited();
    if (why !== undefined) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/**
 * The machine's RabbitMQ (5672, management API on 15672), what `npm start` and the tests share: started
 * detached when nothing listens, its management plugin enabled when its API does not answer (the API
 * is how per-function users are made, here as on Amazon MQ: shared/security/rabbitMqUsers).
 */
export async function ensureMachineRabbitMq(log: (message: string) => void): Promise<void> {
  if (!(await portOpen(5672))) {
    log('starting rabbitmq-server (takes a few seconds)');
    execFileSync('rabbitmq-server', ['-detached'], { stdio: 'ignore' });
    await waitForPort('RabbitMQ', 5672, 90_000);
  }
  if (!(await portOpen(15672))) {
    log('enabling the RabbitMQ management plugin');
    execFileSync('rabbitmq-plugins', ['enable', 'rabbitmq_management'], { stdio: 'ignore' });
    await waitForPort('the RabbitMQ management API', 15672, 60_000);
  }
}

/** rabbitmqctl against the machine's broker (vhosts of the tests and benchmarks). */
export async function machineRabbitMqctl(...args: string[]): Promise<void> {
  await run('rabbitmqctl', args, { timeout: RABBITMQCTL_TIMEOUT_MS });
}

/** The same, synchronous: for an exit handler, where nothing asynchronous runs any more. */
export function machineRabbitMqctlSync(args: readonly string[], timeoutMs = 15_000): void {
  execFileSync('rabbitmqctl', args, { stdio: 'ignore', timeout: timeoutMs });
}

/** A virtual host on the machine's broker with every right for guest (the local user). */
export async function addMachineVhost(vhost: string): Promise<void> {
  await machineRabbitMqctl('add_vhost', vhost);
  await machineRabbitMqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
}

export interface RabbitMqNodePorts {
  amqp: number;
  /** Erlang distribution (rabbitmqctl talks to the node through it). */
  dist: number;
  management: number;
}

/**
 * A RabbitMQ node of the caller's own: its own node name, ports, data and Erlang cookie under `dir`,
 * only the management plugin. Boots in about 3 s. `ctl('stop_app')` stops its application only (the
 * Erlang node stays), which on the shared broker would cut every other worktree's tests off.
 */
export class RabbitMqNode {
  readonly name: string;
  readonly url: string;
  readonly managementUrl: string;
  readonly logDir: string;
  private process: ChildProcess | undefined;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    dir: string,
    readonly ports: RabbitMqNodePorts,
    inherited: NodeJS.ProcessEnv,
  ) {
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_management].\n');
    writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${ports.amqp}\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = ${ports.management}\n`);
    this.managementUrl = `http://127.0.0.1:${ports.management}`;
    this.name = `triplane-private-${ports.amqp}@localhost`;
    this.url = `amqp://guest:guest@127.0.0.1:${ports.amqp}`;
    this.logDir = join(dir, 'log');
    // HOME holds the node's Erlang cookie: rabbitmqctl below runs with the same HOME, so only its starter can reach the node.
    this.env = {
      ...inherited,
      HOME: home,
      RABBITMQ_NODENAME: this.name,
      RABBITMQ_NODE_PORT: String(ports.amqp),
      RABBITMQ_DIST_PORT: String(ports.dist),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: this.logDir,
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
      RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
    };
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Spawns the node and resolves once its port answers and `rabbitmqctl await_startup` returned. */
  async start(onSpawn: (pid: number | undefined) => void = () => undefined): Promise<void> {
    // RUNNING_UNDER_SYSTEMD makes the script exec the Erlang VM (no wrapper shell whose death would
    // leave the VM running), and a process group of its own lets an exit handler kill its helpers too.
    const child = spawn(RABBITMQ_SERVER, [], { env: { ...this.env, RUNNING_UNDER_SYSTEMD: '1' }, stdio: 'ignore', detached: true });
    this.process = child;
    onSpawn(child.pid);
    await waitForPort(`the RabbitMQ node on port ${this.ports.amqp}`, this.ports.amqp, START_TIMEOUT_MS, () =>
      child.exitCode !== null ? `rabbitmq-server exited with ${child.exitCode} (logs in ${this.logDir})` : undefined,
    );
    await this.ctl('await_startup');
  }

  /** rabbitmqctl against this node only. */
  async ctl(...args: string[]): Promise<void> {
    await run(NODE_RABBITMQCTL, ['-n', this.name, ...args], { env: this.env, timeout: RABBITMQCTL_TIMEOUT_MS });
  }

  /** Stops the node (rabbitmqctl stop), or kills it when it does not answer; resolves with the pid it ended. */
  async stop(): Promise<number | undefined> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return child?.pid;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await this.ctl('stop').catch(() => child.kill('SIGKILL'));
    const timedOut = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
    if (timedOut) child.kill('SIGKILL');
    return child.pid;
  }
}
