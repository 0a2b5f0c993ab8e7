import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaMockControl, readKafkaMockState, type KafkaMockState } from '../local/kafka-mock/kafkaMockControl';
import { KAFKA_MOCK_BINARY } from '../local/services/localPaths';
import { TOPICS } from '../shared/routes/topics';
import { waitUntil } from './benchRun';

/**
 * A Kafka mock daemon of the benchmarks' own: the binary `npm run services` builds, 3 brokers, the
 * manifest's topics with their partition counts, a state file in a temporary folder.
 *
 * Why not the shared test daemon: the benchmarks write a few hundred thousand records per run; on the
 * shared daemon those would stay in `sessions`, `activity`, `scores` and `orders`, and every fresh
 * consumer group (a test runtime, a replay, the next benchmark run) would read them all from the start.
 * Here every run starts from empty topics, its own topics are gone when it ends, and no test running
 * at the same time on the shared daemon sees any of it.
 */
let daemon: { child: ChildProcess; state: KafkaMockState; dir: string } | undefined;

export async function startBenchKafka(): Promise<KafkaMockState> {
  if (daemon !== undefined) return daemon.state;
  if (!existsSync(KAFKA_MOCK_BINARY)) throw new Error(`${KAFKA_MOCK_BINARY} is missing: run npm run services first (it builds the daemon)`);
  const dir = mkdtempSync(join(tmpdir(), 'tpbench-kafka-'));
  const stateFile = join(dir, 'kafka-mock.json');
  const topics = Object.entries(TOPICS).flatMap(([name, spec]) => ['--topic', `${name}:${spec.partitions}`]);
  const child = spawn(KAFKA_MOCK_BINARY, ['--brokers', '3', '--state-file', stateFile, ...topics], { stdio: 'ignore' });
  let state: KafkaMockState | undefined;
  await waitUntil(
    'the benchmarks’ Kafka mock daemon',
    async () => {
      if (child.exitCode !== null) throw new Error(`triplane-kafka-mock exited with ${child.exitCode}`);
      if (!existsSync(stateFile)) return false;
      state = await readKafkaMockState(stateFile);
      await new KafkaMockControl(state.control).ping();
      return true;
    },
    10_000,
    50,
  );
  if (state === undefined) throw new Error('the benchmarks’ Kafka mock daemon wrote no state');
  daemon = { child, state, dir };
  // Every client made from now on (the shared producer, the runtime's mappings, the baselines) uses it.
  process.env.KAFKA_BROKERS = state.bootstrap;
  return state;
}

export function benchKafkaControl(): KafkaMockControl {
  if (daemon === undefined) throw new Error('the benchmarks’ Kafka mock daemon is not running (startBenchKafka first)');
  return new KafkaMockControl(daemon.state.control);
}

/** SIGTERM (the daemon destroys its cluster and exits), SIGKILL if it has not exited after 5 s. */
export async function stopBenchKafka(): Promise<void> {
  const current = daemon;
  daemon = undefined;
  if (current === undefined) return;
  if (current.child.exitCode === null) {
    const exited = new Promise<void>((resolve) => current.child.once('exit', () => resolve()));
    current.child.kill('SIGTERM');
    const timer = setTimeout(() => current.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(current.dir, { recursive: true, force: true });
}
