import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafkaCluster, stopKafkaCluster } from '../tools/kafka/kafkaCluster';
import { PROJECT_ROOT, STATE_DIR } from '../emulator/services/localPaths';
import { ratioOf, type BenchmarkResult } from './benchmarkResult';
import { progress } from './benchRun';
import { median, round } from './statistics';
import { childEnvironment } from '../emulator/config/localConfig';

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
      else reject(new Error(`${command} ${args.join(' ')} exited with ${String(code)}: ${output.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/**
 * A checkout of its own for `ensureServices`: the code folders copied, node_modules linked, and a
 * .triplane folder with no Kafka state, only the RabbitMQ users marker the real checkout has (so the
 * per-function users are not re-applied, as on any run after the first). Its Kafka is therefore its
 * own: timing a cold start never stops the test profile's Kafka that other tests use at the same time.
 * Kafka's jars come from the machine's cache (~/.cache/triplane), as for any checkout after the first.
 */
function makeCheckoutCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'tpbench-start-'));
  for (const folder of ['emulator', 'tools', 'deploy', 'operations', 'shared', 'functions']) cpSync(join(PROJECT_ROOT, folder), join(root, folder), { recursive: true, preserveTimestamps: true });
  for (const file of ['package.json', 'tsconfig.json', 'serverless.yml']) copyFileSync(join(PROJECT_ROOT, file), join(root, file));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  mkdirSync(join(root, '.triplane'));
  for (const marker of readdirSync(STATE_DIR).filter((name) => name.startsWith('rabbitmq-users-'))) copyFileSync(join(STATE_DIR, marker), join(root, '.triplane', marker));
  return root;
}

/** The bare broker: one KRaft node from empty storage until the cluster's metadata lists it, no topics, no Node process around it. */
async function bareBrokerStart(dir: string): Promise<number> {
  const started = performance.now();
  const cluster = await startKafkaCluster({ dir, brokers: 1, fresh: true });
  const seconds = (performance.now() - started) / 1000;
  await cluster.stop();
  return seconds;
}

/**
 * Local start: seconds from nothing running for the tests to every service ready for them, i.e. what
 * `npm test` does before jest: `TRIPLANE_PROFILE=test tsx emulator/services/ensureServices.ts`, with Redis
 * and RabbitMQ up (machine services, started once per boot), Kafka's jars cached and no Kafka running.
 * It starts this checkout's Kafka node from empty storage (TRIPLANE_FRESH_KAFKA=1, as `npm test`),
 * creates the topics of shared/routes/topics.ts through the admin API, declares the workflow topology, applies the
 * per-function Redis ACL users, and checks each server answers. One run before the timed ones formats
 * the copy's storage once (what a checkout's first start does), so the figures are every later start.
 *
 * Baseline, same run: the bare broker start (startKafkaCluster from empty storage until the node is
 * listed in the cluster's metadata), the one service ensureServices starts here; and, for scale, `tsx`
 * running an empty file (the floor of any TypeScript command). ensureServices with everything already
 * running is reported too.
 * Testcontainers' ~2 minutes for Kafka + Redis + RabbitMQ containers is a reference, not measured.
 */
export async function localStartBenchmark(): Promise<BenchmarkResult> {
  const started = performance.now();
  const root = makeCheckoutCopy();
  const copyKafka = join(root, '.triplane', 'kafka-test');
  const bareDir = join(root, 'bare-kafka');
  // The copy must start its own Kafka and use the tests' vhost, as `npm test` does; nothing of the run's.
  const env = childEnvironment({ TRIPLANE_PROFILE: 'test', TRIPLANE_REDIS_NAMESPACE: 'tptest', TRIPLANE_FRESH_KAFKA: '1', KAFKA_BROKERS: undefined, RABBITMQ_URL: undefined });
  const warmEnv = { ...env, TRIPLANE_FRESH_KAFKA: '0' };
  const empty = join(root, 'empty.ts');
  writeFileSync(empty, '');

  const cold: Timed[] = [];
  const warm: Timed[] = [];
  const bare: number[] = [];
  const tsxFloor: number[] = [];
  let firstStart: Timed | undefined;
  try {
    progress('local start: formatting the copy’s storage once');
    firstStart = await timeCommand(TSX, ['emulator/services/ensureServices.ts'], root, env);
    await stopKafkaCluster(copyKafka);
    await bareBrokerStart(bareDir);
    for (let rep = 1; rep <= REPETITIONS; rep++) {
      progress(`local start ${rep}/${REPETITIONS}`);
      cold.push(await timeCommand(TSX, ['emulator/services/ensureServices.ts'], root, env));
      warm.push(await timeCommand(TSX, ['emulator/services/ensureServices.ts'], root, warmEnv));
      await stopKafkaCluster(copyKafka);
      bare.push(await bareBrokerStart(bareDir));
      tsxFloor.push((await timeCommand(TSX, [empty], root, env)).seconds);
    }
  } finally {
    await stopKafkaCluster(copyKafka).catch(() => undefined);
    await stopKafkaCluster(bareDir).catch(() => undefined);
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
        figure: `s from no Kafka running to every service ready (ensureServices, median of ${REPETITIONS})`,
        value: coldSeconds,
        unit: 's',
        baseline: bareSeconds,
        baselineLabel: 'bare Kafka broker start (one KRaft node, empty storage, until listed in the metadata)',
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
      `wall time of \`TRIPLANE_PROFILE=test TRIPLANE_FRESH_KAFKA=1 tsx emulator/services/ensureServices.ts\` (the step \`npm test\` runs before jest) in a copy of the checkout with no Kafka running and Kafka's jars cached, Redis and RabbitMQ running; the copy's first start, which also formats its storage: ${round(firstStart.seconds)} s; ensureServices' own "ready in" figures: ${reported.join(', ')} s (without Node and tsx start-up). Starting Redis or RabbitMQ themselves is not timed: they are machine services other people use at the same time.`,
    ],
    details: {
      cold: cold.map((t) => round(t.seconds)),
      warm: warm.map((t) => round(t.seconds)),
      bareBroker: bare,
      firstStart: round(firstStart.seconds),
      tsxEmptyFile: tsxFloor,
      ensureServicesReported: reported,
    },
  };
}
