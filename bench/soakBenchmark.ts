import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpsStatus } from '../emulator/ops/collectOpsStatus';
import { localConfig } from '../emulator/config/localConfig';
import { projectionKeys } from '../shared/state/projectionKeys';
import { RuntimeProcess } from '../test/faults/runtimeProcess';
import { freePort } from '../tools/kafka/freePort';
import { sleep } from '../testkit/waitUntil';
import { BENCH_ARCHIVE_DIR, BENCH_HEADERS, BENCH_RABBITMQ_URL, kafkaBrokers } from './benchEnvironment';
import type { BenchmarkResult, ResultRow } from './benchmarkResult';
import { benchRedis, deleteBenchNamespace } from './benchRedis';
import { progress, RUN_ID } from './benchRun';
import { showsGrowth, type GrowthTrend } from './growthTrend';
import { emptyCounters, http5xx, runSoakLoad, type SoakCounters } from './soak/soakLoad';
import { SoakOrders } from './soak/soakOrders';
import { printedReport, reportLineOf, soakMarkdown, type SoakCorrectness, type SoakReportLine, type SoakRun } from './soak/soakReport';
import { heapSnapshotOptions, runtimeLiveHeapMb } from './soak/runtimeHeapSnapshot';
import { sampleOf, soakTrends, type SoakSample } from './soak/soakSample';

const EVENTS_PER_SECOND = 1_000;
const ORDERS_PER_SECOND = 20;
const SAMPLE_SECONDS = 5;
/** 3.2 s of requests: past it the runtime is not keeping up, and ticks are skipped (and counted). */
const MAX_IN_FLIGHT = 32;
/** After the load: how long the saga, the projections and the queues get to finish what was accepted. */
const DRAIN_TIMEOUT_MS = 180_000;
/** Ticks the load may skip (runtime too slow to answer) before the run counts as not having offered its load. */
const MAX_SKIPPED_SHARE = 0.01;
const RESULTS_DIR = join(__dirname, 'results');
const ERROR_LINE = /failed|SKIPPED|crashed|"level":"ERROR"/;

/** The soak's own length and intervals (localConfig: TPBENCH_SOAK_SECONDS, TPBENCH_SOAK_REPORT_SECONDS). */
export function soakSettings(): SoakRun['settings'] {
  const config = localConfig();
  const seconds = config.TPBENCH_SOAK_SECONDS;
  return {
    seconds,
    reportSeconds: config.TPBENCH_SOAK_REPORT_SECONDS,
    sampleSeconds: Math.min(SAMPLE_SECONDS, config.TPBENCH_SOAK_REPORT_SECONDS),
    // Start-up allocation (handlers loading, JIT, connection pools, first Kafka metadata) is no leak.
    warmUpSeconds: Math.min(120, Math.round(seconds / 4)),
    eventsPerSecond: EVENTS_PER_SECOND,
    ordersPerSecond: ORDERS_PER_SECOND,
    eventsPerRequest: (EVENTS_PER_SECOND + ORDERS_PER_SECOND) / 10,
  };
}

/** How long the runner lets the soak take: its load, then the start, the drain and the checks. */
export const soakTimeoutMs = (): number => (soakSettings().seconds + 600) * 1000;

async function opsStatus(url: string): Promise<OpsStatus> {
  const response = await fetch(`${url}/ops/status`, { headers: BENCH_HEADERS, signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`GET /ops/status answered ${response.status}`);
  const body = (await response.json()) as OpsStatus;
  if (typeof body.memory !== 'object' || !Array.isArray(body.functions)) throw new Error('GET /ops/status lacks memory or functions');
  return body;
}

const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function runtimeErrorLines(logDir: string): string[] {
  return readdirSync(logDir).flatMap((file) =>
    readFileSync(join(logDir, file), 'utf8')
      .split('\n')
      .filter((line) => ERROR_LINE.test(line)),
  );
}

function loadFigures(counters: SoakCounters, orders: SoakOrders): Pick<SoakReportLine, 'eventsAccepted' | 'ordersAccepted' | 'ordersFinal' | 'http5xx' | 'otherRefusals'> {
  const fiveHundreds = http5xx(counters);
  return {
    eventsAccepted: counters.eventsAccepted,
    ordersAccepted: counters.ordersAccepted,
    ordersFinal: orders.final,
    http5xx: fiveHundreds,
    otherRefusals: Object.values(counters.refusals).reduce((a, b) => a + b, 0) - fiveHundreds,
  };
}

/**
 * The soak: the local runtime as `npm start` runs it (a child process of its own, security on: API
 * keys, every function as its own Redis and RabbitMQ user; the benchmarks' own Kafka node and RabbitMQ
 * vhost, and a Redis namespace of the soak's own) under 1,000 events/s of mixed types and 20 orders/s for 10 minutes
 * (TPBENCH_SOAK_SECONDS). Every 5 s it reads /ops/status (the process RSS, each worker's own heap,
 * lag per function, queue depths, parking lots, invocation errors); every minute
 * (TPBENCH_SOAK_REPORT_SECONDS) it prints a line. At the end: a growth verdict per series
 * (bench/growthTrend.ts) and the checks that make a fast but broken run fail: every accepted order
 * final with the outcome its kind must have, the board total equal to the scores accepted (exactly
 * once), no 5xx or other refusal, the load really offered, and lag, queues and parking lots back at 0.
 * Writes bench/results/soak.json and soak.md.
 */
export async function soakBenchmark(): Promise<BenchmarkResult> {
  const started = performance.now();
  const settings = soakSettings();
  const ranAt = new Date().toISOString();
  const loadAverageAtStart = loadAverage();
  const logDir = mkdtempSync(join(tmpdir(), 'tpsoak-'));
  // A Redis namespace of this run's own, not the benchmarks' shared `tpbench`: any benchmark run ending
  // on this machine during the soak deletes every tpbench key (a first full run lost 12 orders' saga
  // records that way). The runtime makes the namespace's function users; they and the keys go at the end.
  const namespace = `tpsoak-${RUN_ID}`;
  // Heap snapshots of the runtime thread go to a folder of their own: runtimeErrorLines reads every file in logDir.
  const snapshotDir = mkdtempSync(join(tmpdir(), 'tpsoak-heap-'));
  const runtime = new RuntimeProcess({
    port: await freePort(),
    groupSuffix: `-tpsoak-${RUN_ID}`,
    namespace,
    redisUrl: localConfig().REDIS_URL,
    rabbitMqUrl: BENCH_RABBITMQ_URL,
    archiveDir: BENCH_ARCHIVE_DIR,
    kafkaBrokers: kafkaBrokers(),
    logDir,
    nodeOptions: heapSnapshotOptions(snapshotDir),
  });
  const redis = benchRedis();
  const orders = new SoakOrders(redis, namespace);
  const counters = emptyCounters();
  const samples: SoakSample[] = [];
  const reports: SoakReportLine[] = [];
  const sampleErrors: string[] = [];
  const tag = `soak${RUN_ID}`;
  let run: SoakRun | undefined;
  try {
    progress(`soak: starting the runtime (child process, logs in ${logDir})`);
    const startMs = await runtime.start();
    progress(`soak: runtime at ${runtime.url} after ${(startMs / 1000).toFixed(1)} s; ${settings.seconds} s of load, a line every ${settings.reportSeconds} s`);

    const t0 = performance.now();
    const load = { done: false };
    const loadDone = (): boolean => load.done;
    const loading = runSoakLoad(
      {
        url: runtime.url,
        headers: BENCH_HEADERS,
        tag,
        seconds: settings.seconds,
        eventsPerSecond: settings.eventsPerSecond,
        ordersPerSecond: settings.ordersPerSecond,
        maxInFlight: MAX_IN_FLIGHT,
        onOrderAccepted: (order) => orders.add(order),
      },
      counters,
    ).finally(() => (load.done = true));

    // One sample per interval while the load runs, bounded by the number of intervals.
    const intervals = Math.ceil(settings.seconds / settings.sampleSeconds);
    let lastReported = 0;
    let lastStatusTime = '';
    for (let k = 1; k <= intervals && !loadDone(); k++) {
      const due = t0 + k * settings.sampleSeconds * 1000;
      while (performance.now() < due && !loadDone()) await sleep(Math.min(250, due - performance.now()));
      if (loadDone()) break;
      const second = (performance.now() - t0) / 1000;
      try {
        const [status] = await Promise.all([opsStatus(runtime.url), orders.check()]);
        // The runtime samples once a second, one sample at a time: while its workers are slow to answer
        // (cold starts on a loaded machine) /ops/status repeats its last one, which is no new point.
        if (status.time === lastStatusTime) continue;
        lastStatusTime = status.time;
        samples.push(sampleOf(second, status));
      } catch (error) {
        sampleErrors.push(`${Math.round(second)} s: ${(error as Error).message}`);
        continue;
      }
      if (Math.floor(second / settings.reportSeconds) > lastReported) {
        lastReported = Math.floor(second / settings.reportSeconds);
        const latest = samples[samples.length - 1] as SoakSample;
        const line = reportLineOf(latest, loadFigures(counters, orders));
        reports.push(line);
        process.stdout.write(`${printedReport(line)}\n`);
        try {
          samples[samples.length - 1] = { ...latest, runtimeSnapshotHeapMb: await runtimeLiveHeapMb(runtime, snapshotDir) };
          process.stdout.write(`    runtime thread live heap (heap snapshot): ${(samples[samples.length - 1]?.runtimeSnapshotHeapMb ?? Number.NaN).toFixed(1)} MB\n`);
        } catch (error) {
          sampleErrors.push(`${Math.round(second)} s: heap snapshot: ${(error as Error).message}`);
        }
      }
    }
    await loading;
    progress(`soak: load done after ${((performance.now() - t0) / 1000).toFixed(0)} s (${counters.requests} requests); waiting for the system to drain`);

    // Drain: every accepted order final, the board total reached, lag, queues and parking lots at 0.
    const leaderboards = await projectionKeys(redis, namespace, 'leaderboards');
    const boardTotal = async (): Promise<number> => {
      const flat = await redis.zrevrange(leaderboards.leaderboard(`soak-${tag}`), 0, -1, 'WITHSCORES');
      let total = 0;
      for (let i = 1; i < flat.length; i += 2) total += Number(flat[i]);
      return total;
    };
    const drainStarted = performance.now();
    let drainedSeconds: number | undefined;
    let last: SoakSample | undefined;
    let scoresSeen = 0;
    while (performance.now() - drainStarted < DRAIN_TIMEOUT_MS) {
      await orders.check();
      scoresSeen = await boardTotal();
      last = await opsStatus(runtime.url)
        .then((status) => sampleOf((performance.now() - t0) / 1000, status))
        .catch(() => last);
      if (orders.waiting === 0 && scoresSeen >= counters.scoresAccepted && last !== undefined && last.lag === 0 && last.queueDepth === 0) {
        drainedSeconds = (performance.now() - drainStarted) / 1000;
        break;
      }
      await sleep(1_000);
    }
    const final = last ?? samples[samples.length - 1];
    const finalLine = final === undefined ? undefined : reportLineOf(final, loadFigures(counters, orders));
    if (finalLine !== undefined) process.stdout.write(`${printedReport(finalLine)}\n`);

    const trends = soakTrends(samples, settings.warmUpSeconds, settings);
    const ticks = settings.seconds * 10;
    const fiveHundreds = http5xx(counters);
    const errorLines = runtimeErrorLines(logDir);
    const problems = [
      ...(fiveHundreds > 0 ? [`${fiveHundreds} answers 5xx`] : []),
      ...(Object.values(counters.refusals).reduce((a, b) => a + b, 0) > fiveHundreds ? [`refusals other than 5xx: ${JSON.stringify(counters.refusals)}`] : []),
      ...(counters.partialAccepts > 0 ? [`${counters.partialAccepts} 202 answers did not accept every event`] : []),
      ...(counters.skippedTicks > MAX_SKIPPED_SHARE * ticks ? [`${counters.skippedTicks} of ${ticks} ticks skipped (the runtime did not keep up with the load)`] : []),
      ...(orders.waiting > 0 ? [`${orders.waiting} accepted orders not final after ${DRAIN_TIMEOUT_MS / 1000} s`] : []),
      ...(orders.wrong.length > 0 ? [`${orders.wrong.length} orders with the wrong outcome (${orders.wrong.slice(0, 3).join(', ')})`] : []),
      ...(scoresSeen !== counters.scoresAccepted ? [`board total ${scoresSeen} for ${counters.scoresAccepted} accepted scores`] : []),
      ...(final === undefined || final.lag !== 0 || final.queueDepth !== 0 ? [`not drained: lag ${final?.lag ?? '?'}, queue depth ${final?.queueDepth ?? '?'}`] : []),
      ...(final !== undefined && final.parkingLots > 0 ? [`${final.parkingLots} messages in parking lots`] : []),
      ...(final !== undefined && final.deadLettered > 0 ? [`${final.deadLettered} events dead-lettered`] : []),
      ...(samples.length < 3 ? [`only ${samples.length} samples (${sampleErrors.slice(0, 2).join('; ')})`] : []),
    ];
    const correctness: SoakCorrectness = {
      ok: problems.length === 0,
      problems,
      eventsOffered: counters.eventsOffered,
      eventsAccepted: counters.eventsAccepted + counters.ordersAccepted,
      ordersAccepted: counters.ordersAccepted,
      ordersFinal: orders.final,
      wrongOutcomes: orders.wrong.slice(0, 20),
      scoresExpected: counters.scoresAccepted,
      scoresSeen,
      http5xx: fiveHundreds,
      refusals: counters.refusals,
      skippedTicks: counters.skippedTicks,
      drainedSeconds,
      final: { lag: final?.lag ?? Number.NaN, queueDepth: final?.queueDepth ?? Number.NaN, parkingLots: final?.parkingLots ?? Number.NaN },
      invocationErrors: final?.invocationErrors ?? Number.NaN,
      deadLettered: final?.deadLettered ?? Number.NaN,
      runtimeErrorLines: errorLines.slice(0, 20),
    };
    run = {
      ranAt,
      machine: { cores: cpus().length, cpu: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, loadAverageAtStart, loadAverageAtEnd: loadAverage() },
      settings,
      reports: finalLine === undefined ? reports : [...reports, finalLine],
      samples,
      trends,
      correctness,
      passed: correctness.ok && !trends.some(showsGrowth),
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'soak.json'), `${JSON.stringify({ ...run, sampleErrors }, null, 1)}\n`);
    writeFileSync(join(RESULTS_DIR, 'soak.md'), soakMarkdown(run));
    progress(`soak: ${run.passed ? 'PASSED' : 'FAILED'}; wrote ${RESULTS_DIR}/soak.{json,md}`);
  } finally {
    await runtime.stop();
    rmSync(snapshotDir, { recursive: true, force: true });
    await deleteBenchNamespace(redis, namespace);
    redis.disconnect();
    if (run?.passed === true) rmSync(logDir, { recursive: true, force: true });
    else progress(`soak: runtime logs kept in ${logDir}`);
  }
  return soakResult(run, (performance.now() - started) / 1000);
}

const trendRow = (trend: GrowthTrend, figure: string): ResultRow => ({
  figure: `${figure}: slope after warm-up (mean ${trend.mean.toFixed(1)} ${trend.unit}, ${Number.isFinite(trend.slopeShareOfMean) ? `${(trend.slopeShareOfMean * 100).toFixed(2)}%` : 'n/a'} of it per min, t ${trend.tStatistic.toFixed(1)}, resolution ${trend.resolutionPerMinute.toFixed(2)}/min; ${trend.verdict})`,
  value: trend.slopePerMinute,
  unit: `${trend.unit}/min`,
  better: 'lower',
  aim: `<= ${trend.limitPerMinute.toFixed(trend.limitPerMinute < 10 ? 2 : 0)} ${trend.unit}/min (${trend.limit.kind === 'share-of-mean' ? `${trend.limit.perMinute * 100}% of mean` : '1% of input'})`,
  met: !showsGrowth(trend),
});

function soakResult(run: SoakRun, durationSeconds: number): BenchmarkResult {
  const find = (series: string) => run.trends.find((t) => t.series === series);
  const workers = run.trends.filter((t) => t.series.startsWith('worker '));
  // The table keeps one worker row, the one growing fastest for its size; soak.md lists them all.
  const worst = [...workers].sort((a, b) => (b.slopeShareOfMean || 0) - (a.slopeShareOfMean || 0))[0];
  const named: Array<[string, string]> = [
    ['process RSS', 'runtime process RSS'],
    ['runtime thread heap after full GC (heap snapshot)', 'runtime thread heap after full GC (heap snapshot, once a minute)'],
    ['runtime thread heap after full GC', 'runtime thread heap after full GC'],
    ['runtime thread heap used (too few full GCs)', 'runtime thread heap used'],
    ['consumer lag, all functions', 'consumer lag'],
    ['queue depth, saga queues', 'saga queue depth'],
  ];
  const c = run.correctness;
  const s = run.settings;
  return {
    name: 'soak',
    measuredAt: run.ranAt,
    durationSeconds,
    rows: [
      ...named.flatMap(([series, figure]) => {
        const trend = find(series);
        return trend === undefined ? [] : [trendRow(trend, figure)];
      }),
      ...(worst === undefined ? [] : [trendRow(worst, `fastest-growing of ${workers.length} workers' heaps (${worst.series})`)]),
      {
        figure: `checks: orders final / accepted (all final, right outcome, board total exact, no 5xx, drained)`,
        value: c.ordersFinal,
        unit: 'orders',
        baseline: c.ordersAccepted,
        baselineLabel: 'orders accepted',
        better: 'higher',
        aim: 'all hold',
        met: c.ok,
      },
    ],
    latencySeries: [],
    notes: [
      `${s.seconds} s at ${s.eventsPerSecond} events/s + ${s.ordersPerSecond} orders/s (runtime in a child process, as npm start), load average ${run.machine.loadAverageAtStart} at start and ${run.machine.loadAverageAtEnd} at the end; ${run.passed ? 'passed' : `FAILED: ${[...run.trends.filter(showsGrowth).map((t) => `${t.series} ${t.verdict}`), ...c.problems].join('; ')}`}. Every series and minute: bench/results/soak.md.`,
    ],
    details: { settings: s, trends: run.trends, correctness: c },
  };
}
