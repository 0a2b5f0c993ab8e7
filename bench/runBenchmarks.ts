import './benchEnvironment';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { closeRedisClient } from '../shared/clients/redisClient';
import { closeSharedClients } from '../shared/clients/sharedClients';
import { applyRedisUsers } from '../emulator/services/applyAccessControl';
import { BENCH_ARCHIVE_DIR, BENCH_NAMESPACE, BENCH_RABBITMQ_URL, BENCH_VHOST } from './benchEnvironment';
import type { BenchmarkResult } from './benchmarkResult';
import { benchRedis, deleteBenchNamespace } from './benchRedis';
import { progress } from './benchRun';
import { stopBenchRuntime } from './benchRuntime';
import { freshnessBenchmark } from './freshnessBenchmark';
import { idempotencyBenchmark } from './idempotencyBenchmark';
import { ingestBenchmark } from './ingestBenchmark';
import { renderLatencyChart } from './latencyChart';
import { localStartBenchmark } from './localStartBenchmark';
import { projectionBenchmark } from './projectionBenchmark';
import { readApiBenchmark } from './readApiBenchmark';
import { memoryBenchmark } from './memoryBenchmark';
import { markdownReport, textTable } from './resultTable';
import { soakBenchmark, soakTimeoutMs } from './soakBenchmark';
import { workflowBenchmark } from './workflowBenchmark';
import { childEnvironment, localConfig, setEnvironment } from '../emulator/config/localConfig';
import { PrivateKafka } from '../testkit/privateKafka';
import { PrivateVhost } from '../testkit/privateVhost';
import { withTimeout } from '../testkit/withTimeout';

/**
 * `npm run bench [-- NAME ...]`: runs the benchmarks of BENCHMARKS.md (all, or the ones named), prints
 * the table, and writes bench/results/latest.json, latest.md and latency.png. Running some merges them
 * into the latest results (each benchmark says when it was measured).
 *
 * Order matters: the HTTP benchmarks share one local runtime (it cannot be started twice in a process),
 * and ingest stops it to measure the HTTP server alone, so ingest comes after every benchmark using it
 * (memory reads the runtime's figures after the others drove it). The soak runs only when named: it
 * takes 10 minutes, and runs the runtime in a process of its own.
 */
interface Benchmark {
  name: string;
  run: () => Promise<BenchmarkResult>;
  needs: { kafka: boolean; vhost: boolean };
  /** Only when named on the command line, never in the default run. */
  onlyWhenNamed?: boolean;
  /** Longer than BENCHMARK_TIMEOUT_MS. */
  timeoutMs?: () => number;
}
const BENCHMARKS: readonly Benchmark[] = [
  { name: 'local-start', run: localStartBenchmark, needs: { kafka: false, vhost: false } },
  { name: 'idempotency', run: idempotencyBenchmark, needs: { kafka: false, vhost: false } },
  { name: 'projection', run: projectionBenchmark, needs: { kafka: true, vhost: false } },
  { name: 'read', run: readApiBenchmark, needs: { kafka: true, vhost: true } },
  { name: 'freshness', run: freshnessBenchmark, needs: { kafka: true, vhost: true } },
  { name: 'workflow', run: workflowBenchmark, needs: { kafka: true, vhost: true } },
  { name: 'memory', run: memoryBenchmark, needs: { kafka: true, vhost: true } },
  { name: 'ingest', run: ingestBenchmark, needs: { kafka: true, vhost: true } },
  { name: 'soak', run: soakBenchmark, needs: { kafka: true, vhost: true }, onlyWhenNamed: true, timeoutMs: soakTimeoutMs },
];
const RESULTS_DIR = join(__dirname, 'results');
/** A benchmark that has not finished after this is failed, so the run ends within its 10-minute budget. */
const BENCHMARK_TIMEOUT_MS = 240_000;

interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  loadAverageAtStart: string;
}

interface RunFile {
  machine: Machine;
  ranAt: string;
  wallSeconds: number;
  benchmarks: string[];
  results: BenchmarkResult[];
  failures: Array<{ name: string; error: string; at: string }>;
  warnings: string[];
}

function machine(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `Linux ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

function selected(args: readonly string[]): typeof BENCHMARKS {
  if (args.length === 0) return BENCHMARKS.filter((b) => b.onlyWhenNamed !== true);
  const aliases: Record<string, string> = { 'read-api': 'read', readapi: 'read', 'local start': 'local-start', localstart: 'local-start', start: 'local-start' };
  const wanted = new Set(args.map((arg) => aliases[arg.toLowerCase()] ?? arg.toLowerCase()));
  const unknown = [...wanted].filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  return BENCHMARKS.filter((b) => wanted.has(b.name));
}

/** The previous results file, so running one benchmark keeps the others' latest figures. */
function previousRun(): RunFile | undefined {
  const file = join(RESULTS_DIR, 'latest.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunFile;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const ranAt = new Date().toISOString();
  const toRun = selected(process.argv.slice(2));
  const warnings: string[] = [];
  process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));
  const results: BenchmarkResult[] = [];
  // One combined node, as `npm start` runs: three JVMs on the two cores would measure their contention, not the system.
  const kafka = new PrivateKafka({ brokers: 1, proxied: false });
  const vhost = new PrivateVhost(BENCH_VHOST, BENCH_RABBITMQ_URL);
  const failures: RunFile['failures'] = [];

  try {
    // Security on, as deployed: every function's Redis user for the benchmarks' namespace, before any
    // benchmark runs a function (the runtime makes them again when it starts, which is idempotent).
    const users = await applyRedisUsers(localConfig().REDIS_URL, BENCH_NAMESPACE);
    progress(`${users} Redis ACL users for namespace ${BENCH_NAMESPACE}`);
    if (toRun.some((b) => b.needs.kafka)) {
      await kafka.start();
      // Every client made from now on (the shared producer, the runtime's mappings, the baselines) uses it.
      setEnvironment({ KAFKA_BROKERS: kafka.bootstrap });
      progress(`own Kafka at ${kafka.bootstrap}`);
    }
    if (toRun.some((b) => b.needs.vhost)) {
      await vhost.create();
      progress(`own RabbitMQ vhost ${BENCH_VHOST}`);
    }
    for (const benchmark of toRun) {
      progress(`${benchmark.name}: running`);
      // A benchmark that plays a function in this process takes on its environment (its own users):
      // the next one starts from the run's own again, and with the shared clients made afresh.
      const environment = childEnvironment();
      try {
        const result = await withTimeout(benchmark.run(), benchmark.timeoutMs?.() ?? BENCHMARK_TIMEOUT_MS, () => benchmark.name);
        results.push(result);
        progress(`${benchmark.name}: done in ${result.durationSeconds.toFixed(1)} s`);
        process.stdout.write(`\n${textTable([result])}\n\n`);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ name: benchmark.name, error: message, at: new Date().toISOString() });
        progress(`${benchmark.name}: FAILED: ${message}`);
      } finally {
        const now = childEnvironment();
        setEnvironment(Object.fromEntries([...new Set([...Object.keys(now), ...Object.keys(environment)])].map((name) => [name, environment[name]])));
        await closeRedisClient().catch(() => undefined);
      }
    }
  } finally {
    await stopBenchRuntime().catch((error: unknown) => progress(`stopping the runtime failed: ${String(error)}`));
    const redis = benchRedis();
    await deleteBenchNamespace(redis, BENCH_NAMESPACE);
    redis.disconnect();
    await closeSharedClients();
    await vhost.delete();
    await kafka.stop();
    rmSync(BENCH_ARCHIVE_DIR, { recursive: true, force: true });
  }

  const wallSeconds = (performance.now() - started) / 1000;
  const previous = toRun.length < BENCHMARKS.length ? previousRun() : undefined;
  const merged = BENCHMARKS.map((b) => results.find((r) => benchmarkKey(r) === b.name) ?? previous?.results.find((r) => benchmarkKey(r) === b.name)).filter(
    (r): r is BenchmarkResult => r !== undefined,
  );
  const run: RunFile = { machine: machine(), ranAt, wallSeconds, benchmarks: toRun.map((b) => b.name), results: merged, failures, warnings: [...new Set(warnings)] };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(run, null, 1)}\n`);
  const m = run.machine;
  const heading = [
    `### Latest results`,
    '',
    `${ranAt.slice(0, 10)}, ${m.cores} × ${m.cpu}, ${m.memoryGb} GB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverageAtStart}; ` +
      `\`npm run bench\` (${run.benchmarks.join(', ')}) took ${Math.round(wallSeconds)} s.` +
      (merged.length > results.length ? ' Benchmarks not run this time keep their earlier figures (see the notes for when each was measured).' : ''),
    '',
    'Ratio: for throughput, triplane as a share of the baseline (higher is better); for latency and time, triplane as a multiple of the baseline (lower is better).',
  ].join('\n');
  const failureLines = failures.map((f) => `- **${f.name} FAILED**: ${f.error.split('\n', 1).join('')}`);
  const warningLines = run.warnings.map((w) => `- process warning: ${w}`);
  writeFileSync(join(RESULTS_DIR, 'latest.md'), `${markdownReport(merged, heading)}${[...failureLines, ...warningLines].map((l) => `${l}\n`).join('')}`);
  const png = await renderLatencyChart(
    merged.flatMap((r) => r.latencySeries),
    `triplane latency distributions, ${ranAt.slice(0, 10)} (${m.cores} cores)`,
  );
  if (png !== undefined) writeFileSync(join(RESULTS_DIR, 'latency.png'), png);

  process.stdout.write(`\n${textTable(merged)}\n\n`);
  for (const line of [...failureLines, ...warningLines]) process.stdout.write(`${line}\n`);
  progress(`wrote ${RESULTS_DIR}/latest.{json,md}${png !== undefined ? ' and latency.png' : ''}; wall time ${wallSeconds.toFixed(0)} s`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

/** The runner's name of a result (results carry a display name: "local start", "read"). */
const benchmarkKey = (result: BenchmarkResult): string => result.name.replace(/ /g, '-');

main().then(
  // Explicit: a client left with a timer (kafkajs, ioredis reconnects) must not keep a finished run alive.
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
