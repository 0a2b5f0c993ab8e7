import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaMockControl, readKafkaMockState } from '../local/kafka-mock/kafkaMockControl';
import { KAFKA_MOCK_BINARY, PROJECT_ROOT, STATE_DIR } from '../local/services/localPaths';
import { TOPICS } from '../shared/routes/topics';
import { ratioOf, type BenchmarkResult } from './benchmarkResult';
import { progress, waitUntil } from './benchRun';
import { median, round } from './statistics';

const REPETITIONS = 3;
const AIM_SECONDS = 10;
const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

interface Timed {
  seconds: number;
  output: string;
}

/** Runs a command to its end and returns its wall time; rejects on a non-zero exit. */
function timeCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve({ seconds, output });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${output.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/**
 * A checkout of its own for `ensureServices`: local/ and shared/ copied (mtimes kept, so `make` finds the
 * daemon built), node_modules linked, and a .triplane folder with no Kafka state, only the RabbitMQ users
 * marker the real checkout has (so the per-function users are not re-applied, as on any run after the
 * first). Its Kafka daemon is therefore its own: timing a cold start never stops the test daemon that
 * other people's tests use at the same time.
 */
function makeCheckoutCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'tpbench-start-'));
  for (const folder of ['local', 'shared']) cpSync(join(PROJECT_ROOT, folder), join(root, folder), { recursive: true, preserveTimestamps: true });
  for (const file of ['package.json', 'tsconfig.json']) copyFileSync(join(PROJECT_ROOT, file), join(root, file));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  mkdirSync(join(root, '.triplane'));
  for (const marker of readdirSync(STATE_DIR).filter((name) => name.startsWith('rabbitmq-users-'))) copyFileSync(join(STATE_DIR, marker), join(root, '.triplane', marker));
  return root;
}

/** Stops the copy's Kafka daemon (started by this benchmark's own ensureServices run) by its pid. */
async function stopDaemonOf(stateFile: string): Promise<void> {
  if (!existsSync(stateFile)) return;
  const { pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number };
  process.kill(pid, 'SIGTERM');
  await waitUntil('the copy’s Kafka daemon to stop', () => !existsSync(stateFile), 10_000, 20);
}

/** The bare daemon: spawn the binary with the manifest's topics until its control port answers a ping. */
async function bareDaemonStart(dir: string): Promise<number> {
  const stateFile = join(dir, `bare-${Date.now()}.json`);
  const topics = Object.entries(TOPICS).flatMap(([name, spec]) => ['--topic', `${name}:${spec.partitions}`]);
  const started = performance.now();
  const child = spawn(KAFKA_MOCK_BINARY, ['--brokers', '3', '--state-file', stateFile, ...topics], { stdio: 'ignore' });
  try {
    await waitUntil(
      'the bare Kafka daemon',
      async () => {
        if (!existsSync(stateFile)) return false;
        await new KafkaMockControl((await readKafkaMockState(stateFile)).control).ping();
        return true;
      },
      10_000,
      5,
    );
    return (performance.now() - started) / 1000;
  } finally {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * Local start: seconds from nothing running for the tests to every service ready for them, i.e. what
 * `npm test` does before jest: `TRIPLANE_PROFILE=test tsx local/services/ensureServices.ts`, with Redis
 * and RabbitMQ up (machine services, started once per boot) and no Kafka mock daemon. It builds nothing
 * (the daemon binary is current), starts the daemon with the manifest's topics, declares the workflow
 * topology, applies the per-function Redis ACL users, and checks each server answers.
 *
 * Baseline, same run: the bare Kafka daemon start (spawn until its control port answers), the one
 * service ensureServices starts here; and, for scale, `tsx` running an empty file (the floor of any
 * TypeScript command). ensureServices with everything already running is reported too.
 * Testcontainers' ~2 minutes for Kafka + Redis + RabbitMQ containers is a reference, not measured.
 */
export async function localStartBenchmark(): Promise<BenchmarkResult> {
  const started = performance.now();
  const root = makeCheckoutCopy();
  const stateFile = join(root, '.triplane', 'kafka-test.json');
  const env: NodeJS.ProcessEnv = { ...process.env, TRIPLANE_PROFILE: 'test', TRIPLANE_REDIS_NAMESPACE: 'tptest' };
  // The copy must start its own daemon and use the tests' vhost, as `npm test` does; nothing of the run's.
  delete env.KAFKA_BROKERS;
  delete env.RABBITMQ_URL;
  delete env.TRIPLANE_FRESH_KAFKA;
  const empty = join(root, 'empty.ts');
  writeFileSync(empty, '');

  const cold: Timed[] = [];
  const warm: Timed[] = [];
  const bare: number[] = [];
  const tsxFloor: number[] = [];
  try {
    for (let rep = 1; rep <= REPETITIONS; rep++) {
      progress(`local start ${rep}/${REPETITIONS}`);
      cold.push(await timeCommand(TSX, ['local/services/ensureServices.ts'], root, env));
      warm.push(await timeCommand(TSX, ['local/services/ensureServices.ts'], root, env));
      await stopDaemonOf(stateFile);
      bare.push(await bareDaemonStart(root));
      tsxFloor.push((await timeCommand(TSX, [empty], root, env)).seconds);
    }
  } finally {
    await stopDaemonOf(stateFile).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }

  const coldSeconds = median(cold.map((t) => t.seconds));
  const warmSeconds = median(warm.map((t) => t.seconds));
  const bareSeconds = median(bare);
  const tsxSeconds = median(tsxFloor);
  const reported = cold.map((t) => /ready in ([\d.]+) s/.exec(t.output)?.[1]).filter((s): s is string => s !== undefined);
  return {
    name: 'local start',
    measuredAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    rows: [
      {
        figure: `s from no Kafka daemon to every service ready (ensureServices, median of ${REPETITIONS})`,
        value: coldSeconds,
        unit: 's',
        baseline: bareSeconds,
        baselineLabel: 'bare Kafka mock daemon start, until its control port answers',
        ratio: ratioOf(coldSeconds, bareSeconds),
        better: 'lower',
        aim: `<= ${AIM_SECONDS} s (Testcontainers ~120 s, not measured)`,
        met: coldSeconds <= AIM_SECONDS,
      },
      {
        figure: 'same, vs the tsx start-up floor',
        value: coldSeconds,
        unit: 's',
        baseline: tsxSeconds,
        baselineLabel: 'tsx running an empty file',
        ratio: ratioOf(coldSeconds, tsxSeconds),
        better: 'lower',
        aim: '',
      },
      {
        figure: 's with every service already running',
        value: warmSeconds,
        unit: 's',
        baseline: tsxSeconds,
        baselineLabel: 'tsx running an empty file',
        ratio: ratioOf(warmSeconds, tsxSeconds),
        better: 'lower',
        aim: '',
      },
    ],
    latencySeries: [],
    notes: [
      `wall time of \`TRIPLANE_PROFILE=test tsx local/services/ensureServices.ts\` (the step \`npm test\` runs before jest) in a copy of the checkout with no Kafka state, Redis and RabbitMQ running; ensureServices' own "ready in" figures: ${reported.join(', ')} s (without Node and tsx start-up). Starting Redis or RabbitMQ themselves is not timed: they are machine services other people use at the same time.`,
    ],
    details: { cold: cold.map((t) => round(t.seconds)), warm: warm.map((t) => round(t.seconds)), bareDaemon: bare, tsxEmptyFile: tsxFloor, ensureServicesReported: reported },
  };
}
