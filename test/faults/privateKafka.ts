import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaMockControl, readKafkaMockState, type KafkaMockState } from '../../local/kafka-mock/kafkaMockControl';
import { KAFKA_MOCK_BINARY } from '../../local/services/localPaths';
import { TOPICS } from '../../shared/routes/topics';
import { trackChild, untrackChild } from './childProcesses';
import { waitFor } from './waitUntil';

/**
 * A Kafka mock daemon of the suite's own (the same binary `npm run services` builds, 3 brokers, the
 * manifest's topics). Why not the shared test daemon: its topics hold every earlier run's records (a
 * few hundred thousand once the benchmarks ran), and the runtime's fresh consumer groups and every
 * replay read from the start, which took minutes before the first fault; and broker-down or
 * request-error injection there would break the tests other people run at the same time.
 */
export class PrivateKafka {
  private process: ChildProcess | undefined;
  private state: KafkaMockState | undefined;
  private readonly stateFile: string;

  constructor(runDir: string) {
    this.stateFile = join(runDir, 'kafka-mock.json');
  }

  get brokers(): string[] {
    if (this.state === undefined) throw new Error('the private Kafka mock is not running');
    return this.state.bootstrap.split(',');
  }

  get control(): KafkaMockControl {
    if (this.state === undefined) throw new Error('the private Kafka mock is not running');
    return new KafkaMockControl(this.state.control);
  }

  get brokerCount(): number {
    return this.state?.brokers ?? 0;
  }

  async start(): Promise<void> {
    if (!existsSync(KAFKA_MOCK_BINARY)) throw new Error(`${KAFKA_MOCK_BINARY} is missing: run npm run services first (it builds the daemon)`);
    const topics = Object.entries(TOPICS).flatMap(([name, spec]) => ['--topic', `${name}:${spec.partitions}`]);
    const child = spawn(KAFKA_MOCK_BINARY, ['--brokers', '3', '--state-file', this.stateFile, ...topics], { stdio: 'ignore' });
    this.process = child;
    trackChild(child.pid, false);
    this.state = await waitFor(
      'the private Kafka mock daemon',
      async () => {
        if (child.exitCode !== null) throw new Error(`triplane-kafka-mock exited with ${child.exitCode}`);
        if (!existsSync(this.stateFile)) return undefined;
        const state = await readKafkaMockState(this.stateFile);
        await new KafkaMockControl(state.control).ping();
        return state;
      },
      10_000,
      100,
    );
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    this.state = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5_000))]);
    if (timedOut) child.kill('SIGKILL');
    untrackChild(child.pid);
  }
}
