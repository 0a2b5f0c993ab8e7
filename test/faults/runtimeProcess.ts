import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../emulator/services/localPaths';
import { trackChild, untrackChild } from '../../testkit/childProcesses';
import { childEnvironment } from '../../emulator/config/localConfig';

export interface RuntimeSettings {
  port: number;
  /** The same suffix across restarts: the restarted runtime continues from the committed offsets. */
  groupSuffix: string;
  namespace: string;
  redisUrl: string;
  rabbitMqUrl: string;
  archiveDir: string;
  /** The suite's private Kafka, through its proxies: given as KAFKA_BROKERS. */
  kafkaBrokers: string[];
  /** Where the child's stdout and stderr go, one file per start. */
  logDir: string;
  /** Node options before the entry point (the soak's `--heapsnapshot-signal`). */
  nodeOptions?: readonly string[];
}

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * The local runtime (`emulator/runtime/start.ts`) as a child process, so the suite can SIGKILL it mid-batch
 * as a crashed Lambda host would be, and start it again with the same consumer groups. It runs as
 * `node --import tsx` (what `npx tsx` ends up running, minus the wrapper processes), in a process group
 * of its own, so a kill reaches every process it made and nothing is left consuming in the background.
 */
export class RuntimeProcess {
  readonly settings: RuntimeSettings;
  readonly url: string;
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private starts = 0;
  private recent: string[] = [];
  private crashLines: string[] = [];

  constructor(settings: RuntimeSettings) {
    this.settings = settings;
    this.url = `http://127.0.0.1:${settings.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Lines where the runtime reported a Kafka consumer crash ("[runtime] fn: Kafka consumer crashed
   * (restarting): ...") since the suite started, across restarts: the scenarios note how many they saw.
   */
  get consumerCrashes(): readonly string[] {
    return this.crashLines;
  }

  /** The child's last lines, for a report when something goes wrong. */
  tail(lines = 20): string {
    return this.recent.slice(-lines).join('\n');
  }

  /** Starts the runtime and resolves once it printed "listening on"; `extraEnv` can change a restart's environment (e.g. a sandbox failure rate). */
  async start(extraEnv: Record<string, string> = {}): Promise<number> {
    if (this.running) throw new Error('the runtime is already running');
    const started = performance.now();
    this.starts++;
    const { settings } = this;
    const env = childEnvironment({
      PORT: String(settings.port),
      TRIPLANE_GROUP_SUFFIX: settings.groupSuffix,
      TRIPLANE_REDIS_NAMESPACE: settings.namespace,
      TRIPLANE_PROFILE: 'test',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      REDIS_URL: settings.redisUrl,
      RABBITMQ_URL: settings.rabbitMqUrl,
      TRIPLANE_ARCHIVE_DIR: settings.archiveDir,
      KAFKA_BROKERS: settings.kafkaBrokers.join(','),
      ...extraEnv,
    });
    const log = createWriteStream(join(settings.logDir, `runtime-${this.starts}.log`));
    this.log = log;
    const child = spawn(process.execPath, [...(settings.nodeOptions ?? []), '--import', 'tsx', join(PROJECT_ROOT, 'emulator', 'runtime', 'start.ts')], {
      cwd: PROJECT_ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    trackChild(child.pid, true);
    let pending = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the runtime did not print "listening on" within ${START_TIMEOUT_MS / 1000} s:\n${this.tail()}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        log.write(chunk);
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          this.recent.push(line);
          if (line.includes('Kafka consumer crashed')) this.crashLines.push(line.replace(/^\[runtime\] /, ''));
          if (line.includes('listening on')) {
            clearTimeout(timer);
            resolve();
          }
        }
        if (this.recent.length > 200) this.recent = this.recent.slice(-100);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the runtime exited (${String(signal ?? code)}) before it was ready:\n${this.tail()}`));
      });
    });
    await ready;
    return performance.now() - started;
  }

  /** SIGKILL to the whole process group: no batch in flight finishes, no offset is committed after it. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: the runtime finishes the batches in flight, then exits (a clean stop, at the end of the suite). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Sends `signal` to the runtime's own process only (not its group), e.g. the `--heapsnapshot-signal` it was started with. */
  signalRuntime(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) throw new Error('the runtime is not running');
    process.kill(pid, signal);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined || child.pid === undefined || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS))]);
    if (timedOut) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
    }
    untrackChild(child.pid);
    this.child = undefined;
    this.log?.end();
    this.log = undefined;
  }
}
