import '../shared/kafka/promiseWithResolvers';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { benchBatch } from './kafkaClients/benchRecords';
import { brokerProcesses } from './kafkaClients/brokerProcesses';
import { bundleFootprints } from './kafkaClients/bundleFootprint';
import type { AdminCoverage, ClientCandidate } from './kafkaClients/clientCandidate';
import { consumeThroughput, endToEndLatencies, oneByOneLatencies, p, produceThroughput } from './kafkaClients/clientRuns';
import { faultRun, waitForFullIsr, type FaultOutcome } from './kafkaClients/faultRun';
import { kafkajsCandidate } from './kafkaClients/kafkajsCandidate';
import { platformaticCandidate } from './kafkaClients/platformaticCandidate';
import { median, round } from './statistics';
import { localConfig } from '../emulator/config/localConfig';

/**
 * `npx tsx bench/kafkaClientsBenchmark.ts [produce latency consume e2e fault footprint admin]`: the
 * Kafka client chosen by measurement (issue 14, point 4). Every candidate runs the same load against
 * the same real Apache Kafka in the same run, repeats interleaved (kafkajs, then the other, then the
 * other first) so the shared machine's load falls on all alike; each figure is the median of the
 * repeats, kafkajs 2.2.4 (what triplane runs) is the baseline of every ratio.
 *
 * Brokers (your own, never the tests'): KAFKA_BENCH_SINGLE, one combined KRaft node for throughput and
 * latency (default 127.0.0.1:29098); KAFKA_BENCH_CLUSTER, three brokers with RF 3 and min ISR 2 for
 * the fault part (default 127.0.0.1:29092,127.0.0.1:29094,127.0.0.1:29096) and KAFKA_BENCH_CLUSTER_DIR,
 * the folder with their n<id>.properties, n<id>.pid and libs/ (brokerProcesses.ts), whose JVMs the
 * fault part kills and restarts. Writes bench/results/kafka-clients.json and kafka-clients.md.
 */
const CANDIDATES: readonly ClientCandidate[] = [kafkajsCandidate, platformaticCandidate];
const CONFIG = localConfig();
const SINGLE = CONFIG.KAFKA_BENCH_SINGLE;
const CLUSTER = CONFIG.KAFKA_BENCH_CLUSTER;
const CLUSTER_DIR = CONFIG.KAFKA_BENCH_CLUSTER_DIR;
const REPEATS = CONFIG.KAFKA_BENCH_REPEATS;
const FAULT_REPEATS = CONFIG.KAFKA_BENCH_FAULT_REPEATS;
const PRODUCE_SECONDS = 6;
const LATENCY_SENDS = 1_000;
const PREFILL = 200_000;
const E2E_RATE = 2_000;
const E2E_SECONDS = 10;
const RUN = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const RESULTS_DIR = join(__dirname, 'results');

const SECTIONS = ['produce', 'latency', 'consume', 'e2e', 'fault', 'footprint', 'admin'] as const;
type Section = (typeof SECTIONS)[number];
const isSection = (name: string): name is Section => (SECTIONS as readonly string[]).includes(name);
const asked = process.argv.slice(2).filter(isSection);
const wanted = new Set<Section>(asked.length > 0 ? asked : SECTIONS);

interface Row {
  figure: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Median per candidate name. */
  values: Record<string, number>;
  repeats: Record<string, number[]>;
  /** Printed run by run (a count of lost records is not to be hidden behind a median), the ratio on their sums. */
  perRun?: boolean;
}

const rows: Row[] = [];
const notes: string[] = [];
const details: Record<string, unknown> = {};
const progress = (line: string) => process.stderr.write(`[kafka-clients ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** The candidates in the order of repeat `i`: alternated, so neither always runs first (warmer JIT, quieter machine). */
const orderOf = (i: number): readonly ClientCandidate[] => (i % 2 === 0 ? CANDIDATES : [...CANDIDATES].reverse());

function addRow(figure: string, unit: string, better: 'higher' | 'lower', repeats: Record<string, number[]>, perRun = false): void {
  const values = Object.fromEntries(Object.entries(repeats).map(([name, samples]) => [name, perRun ? samples.reduce((a, b) => a + b, 0) : median(samples)]));
  rows.push({ figure, unit, better, values, repeats, perRun });
  progress(`${figure}: ${CANDIDATES.map((c) => `${c.name} ${round(values[c.name] ?? Number.NaN)} ${unit}`).join(', ')}`);
}

const emptyRepeats = (): Record<string, number[]> => Object.fromEntries(CANDIDATES.map((c) => [c.name, []]));
const topicName = (what: string, candidate: ClientCandidate, i: number) => `clients-${what}-${candidate.name.replace(/[^a-z0-9]/gi, '')}-${RUN}-${i}`;

async function producePart(): Promise<void> {
  const throughput = emptyRepeats();
  for (let i = 0; i < REPEATS; i++) {
    for (const candidate of orderOf(i)) {
      const topic = topicName('produce', candidate, i);
      await candidate.createTopic(SINGLE, topic, 12, 1);
      throughput[candidate.name]?.push(await produceThroughput(candidate, SINGLE, topic, RUN, PRODUCE_SECONDS));
    }
  }
  addRow('produce, batches of 100, 16 in flight, acks=all, idempotent', 'records/s', 'higher', throughput);
}

async function latencyPart(): Promise<void> {
  const p50 = emptyRepeats();
  const p99 = emptyRepeats();
  for (let i = 0; i < REPEATS; i++) {
    for (const candidate of orderOf(i)) {
      const topic = topicName('latency', candidate, i);
      await candidate.createTopic(SINGLE, topic, 12, 1);
      const latencies = await oneByOneLatencies(candidate, SINGLE, topic, RUN, LATENCY_SENDS);
      p50[candidate.name]?.push(p(latencies, 50));
      p99[candidate.name]?.push(p(latencies, 99));
    }
  }
  addRow('one-by-one produce latency p50', 'ms', 'lower', p50);
  addRow('one-by-one produce latency p99', 'ms', 'lower', p99);
}

async function consumePart(): Promise<void> {
  const topic = `clients-consume-${RUN}`;
  await kafkajsCandidate.createTopic(SINGLE, topic, 12, 1);
  progress(`prefilling ${topic} with ${PREFILL} records`);
  const producer = await platformaticCandidate.producer(SINGLE);
  const batches = Array.from({ length: 64 }, (_, i) => benchBatch(RUN, i * 100, 100));
  let sent = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < PREFILL) {
        const batch = batches[(sent / 100) % batches.length] ?? [];
        sent += batch.length;
        await producer.send(topic, batch);
      }
    }),
  );
  await producer.close();
  const perSecond = emptyRepeats();
  const join = emptyRepeats();
  for (let i = 0; i < REPEATS; i++) {
    for (const candidate of orderOf(i)) {
      const result = await consumeThroughput(candidate, SINGLE, topic, topicName('group', candidate, i), sent);
      perSecond[candidate.name]?.push(result.perSecond);
      join[candidate.name]?.push(result.joinMs);
    }
  }
  addRow(`consume ${sent.toLocaleString('en-US')} records, fresh group from the start`, 'records/s', 'higher', perSecond);
  addRow('consumer start to first record (join, assignment, first fetch)', 'ms', 'lower', join);
}

async function endToEndPart(): Promise<void> {
  const p50 = emptyRepeats();
  const p99 = emptyRepeats();
  for (let i = 0; i < REPEATS; i++) {
    for (const candidate of orderOf(i)) {
      const topic = topicName('e2e', candidate, i);
      await candidate.createTopic(SINGLE, topic, 12, 1);
      const latencies = await endToEndLatencies(candidate, SINGLE, topic, `${topic}-group`, RUN, E2E_RATE, E2E_SECONDS);
      p50[candidate.name]?.push(p(latencies, 50));
      p99[candidate.name]?.push(p(latencies, 99));
      progress(`e2e ${candidate.name}: ${latencies.length} records, p50 ${round(p(latencies, 50))} ms, p99 ${round(p(latencies, 99))} ms`);
    }
  }
  addRow(`end-to-end produce -> consume at ${E2E_RATE}/s, p50`, 'ms', 'lower', p50);
  addRow(`end-to-end produce -> consume at ${E2E_RATE}/s, p99 (aim <= 250 ms)`, 'ms', 'lower', p99);
}

async function faultPart(): Promise<void> {
  const processes = brokerProcesses(CLUSTER_DIR);
  const outcomes: Record<string, FaultOutcome[]> = Object.fromEntries(CANDIDATES.map((c) => [c.name, []]));
  for (let i = 0; i < FAULT_REPEATS; i++) {
    for (const candidate of orderOf(i)) {
      const topic = topicName('fault', candidate, i);
      progress(`fault run: ${candidate.name} on ${topic}`);
      const outcome = await faultRun(candidate, CLUSTER, processes, topic, `${RUN}f${i}`, { seconds: 30, killAfterMs: 5_000, restartAfterMs: 20_000, lanes: 8 });
      outcomes[candidate.name]?.push(outcome);
      progress(`fault ${candidate.name}: ${JSON.stringify(outcome)}`);
      await waitForFullIsr(CLUSTER, topic);
    }
  }
  details.fault = outcomes;
  const figure = (pick: (o: FaultOutcome) => number): Record<string, number[]> => Object.fromEntries(Object.entries(outcomes).map(([name, list]) => [name, list.map((o) => Math.round(pick(o)))]));
  addRow(
    'fault: acknowledged records',
    'records',
    'higher',
    figure((o) => o.acknowledged),
    true,
  );
  addRow(
    'fault: acknowledged records missing afterwards',
    'records',
    'lower',
    figure((o) => o.acknowledgedMissing),
    true,
  );
  addRow(
    'fault: duplicates from the producer itself',
    'records',
    'lower',
    figure((o) => o.producerDuplicates),
    true,
  );
  addRow(
    'fault: duplicates from the caller resending failed sends',
    'records',
    'lower',
    figure((o) => o.callerRetryDuplicates),
    true,
  );
  addRow(
    'fault: sends rejected (then resent)',
    'sends',
    'lower',
    figure((o) => o.failedSends),
    true,
  );
  addRow(
    'fault: batches still unsent a minute after the run (client wedged)',
    'batches',
    'lower',
    figure((o) => o.batchesGivenUp),
    true,
  );
  addRow(
    'fault: resolved sends lacking a partition they wrote to',
    'sends',
    'lower',
    figure((o) => o.sendsMissingPartitions),
    true,
  );
  addRow(
    'fault: longest produce stall after SIGKILL of a leader',
    'ms',
    'lower',
    figure((o) => o.stallMs),
    true,
  );
}

function footprintPart(): void {
  const minimal = join(__dirname, 'kafkaClients', 'minimal');
  const { footprints, bareNodeMs } = bundleFootprints({
    kafkajs: { entry: join(minimal, 'kafkajsMinimal.ts') },
    '@platformatic/kafka': {
      entry: join(minimal, 'platformaticMinimal.ts'),
      // @platformatic/wasm-utils reads native.wasm beside itself through import.meta.url; its
      // `bundled` export inlines the same wasm. The client's ESM code also calls
      // createRequire(import.meta.url) at load, which a CommonJS bundle must be given.
      options: {
        alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
        define: { 'import.meta.url': '__bundleUrl' },
        banner: { js: "const __bundleUrl=require('url').pathToFileURL(__filename).href;" },
      },
    },
  });
  const pick = (read: (name: string) => number) => Object.fromEntries(CANDIDATES.map((c) => [c.name, [read(c.name)]]));
  addRow(
    'bundle, minimal producer + consumer (esbuild --bundle --minify)',
    'KB',
    'lower',
    pick((name) => (footprints[name]?.bundleBytes ?? Number.NaN) / 1024),
  );
  addRow(
    `cold start: node -e "require(bundle)", median of 20 (bare node ${round(bareNodeMs)} ms)`,
    'ms',
    'lower',
    pick((name) => footprints[name]?.coldStartMs ?? Number.NaN),
  );
  details.bareNodeMs = bareNodeMs;
}

async function adminPart(): Promise<void> {
  const coverage: Record<string, AdminCoverage> = {};
  for (const candidate of CANDIDATES) coverage[candidate.name] = await candidate.adminCoverage(SINGLE, topicName('admin', candidate, 0));
  details.adminCoverage = coverage;
  for (const candidate of CANDIDATES) progress(`admin ${candidate.name}: ${JSON.stringify(coverage[candidate.name])}`);
}

const formatValue = (value: number): string => (Number.isFinite(value) ? round(value).toLocaleString('en-US') : 'n/a');

/** The candidate's figure against kafkajs': a share for throughput, a factor for everything lower-is-better. */
function ratioText(row: Row, name: string): string {
  const base = row.values[kafkajsCandidate.name] ?? Number.NaN;
  const value = row.values[name] ?? Number.NaN;
  if (!Number.isFinite(base) || !Number.isFinite(value) || base === 0) return '';
  return row.better === 'higher' ? `${Math.round((value / base) * 100)}%` : `${(value / base).toFixed(2)}x`;
}

function markdown(): string {
  const others = CANDIDATES.filter((c) => c !== kafkajsCandidate);
  const header = ['figure', ...CANDIDATES.map((c) => `${c.name} ${c.version}`), ...others.map((c) => `${c.name} / kafkajs`)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  const cell = (row: Row, name: string) => (row.perRun ? (row.repeats[name] ?? []).map(formatValue).join(' / ') : formatValue(row.values[name] ?? Number.NaN));
  for (const row of rows)
    lines.push(
      `| ${[`${row.figure} (${row.unit}${row.perRun ? ', each run' : ''}, ${row.better} is better)`, ...CANDIDATES.map((c) => cell(row, c.name)), ...others.map((c) => ratioText(row, c.name))].join(' | ')} |`,
    );
  const coverage = details.adminCoverage as Record<string, AdminCoverage> | undefined;
  if (coverage !== undefined) {
    const operations = Object.keys(coverage[kafkajsCandidate.name] ?? {});
    lines.push('', `| admin operation | ${CANDIDATES.map((c) => c.name).join(' | ')} |`, `|---|${CANDIDATES.map(() => '---').join('|')}|`);
    for (const operation of operations) lines.push(`| ${operation} | ${CANDIDATES.map((c) => (coverage[c.name]?.[operation as keyof AdminCoverage] ?? '').replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return [
    `Kafka clients measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Apache Kafka 4.1.1 (KRaft), ${cpus().length} cores, medians of ${REPEATS} interleaved repeats (fault: ${FAULT_REPEATS}).`,
    '',
    ...lines,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  if (wanted.has('footprint')) footprintPart();
  if (wanted.has('admin')) await adminPart();
  if (wanted.has('produce')) await producePart();
  if (wanted.has('latency')) await latencyPart();
  if (wanted.has('consume')) await consumePart();
  if (wanted.has('e2e')) await endToEndPart();
  if (wanted.has('fault')) await faultPart();
  notes.push(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; wall time ${Math.round((performance.now() - started) / 1000)} s`,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = CONFIG.KAFKA_BENCH_RESULTS;
  writeFileSync(
    join(RESULTS_DIR, `${file}.json`),
    `${JSON.stringify({ ranAt: new Date().toISOString(), candidates: CANDIDATES.map((c) => ({ name: c.name, version: c.version })), rows, notes, details }, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`,
  );
  const table = markdown();
  writeFileSync(join(RESULTS_DIR, `${file}.md`), table);
  process.stdout.write(`${table}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
