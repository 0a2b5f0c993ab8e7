import { showsGrowth, type GrowthTrend } from '../growthTrend';
import { round } from '../statistics';
import { markdownTable } from '../../testkit/report/textTable';
import type { SoakSample } from './soakSample';

/** The line the soak prints every report interval (every minute by default), kept for the results too. */
export interface SoakReportLine {
  second: number;
  rssMb: number;
  runtimeHeapMb: number;
  workers: number;
  workersHeapMb: number;
  workerHeapMb: Record<string, number>;
  workerLiveHeapMb: Record<string, number>;
  lag: number;
  lagByFunction: Record<string, number>;
  queueDepth: number;
  parkingLots: number;
  eventsAccepted: number;
  ordersAccepted: number;
  ordersFinal: number;
  http5xx: number;
  otherRefusals: number;
  invocationErrors: number;
}

export interface SoakCorrectness {
  ok: boolean;
  problems: string[];
  eventsOffered: number;
  eventsAccepted: number;
  ordersAccepted: number;
  ordersFinal: number;
  wrongOutcomes: string[];
  scoresExpected: number;
  scoresSeen: number;
  http5xx: number;
  refusals: Record<string, number>;
  skippedTicks: number;
  drainedSeconds: number | undefined;
  final: { lag: number; queueDepth: number; parkingLots: number };
  invocationErrors: number;
  deadLettered: number;
  runtimeErrorLines: string[];
}

export interface SoakRun {
  ranAt: string;
  machine: { cores: number; cpu: string; node: string; loadAverageAtStart: string; loadAverageAtEnd: string };
  settings: { seconds: number; reportSeconds: number; sampleSeconds: number; warmUpSeconds: number; eventsPerSecond: number; ordersPerSecond: number; eventsPerRequest: number };
  reports: SoakReportLine[];
  samples: SoakSample[];
  trends: GrowthTrend[];
  correctness: SoakCorrectness;
  passed: boolean;
}

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const count = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
export const clock = (second: number): string => `${Math.floor(second / 60)}:${String(Math.round(second % 60)).padStart(2, '0')}`;
const shortFunction = (name: string): string => name.replace(/^project-/, 'p-');

export function reportLineOf(sample: SoakSample, load: Omit<SoakReportLine, keyof SoakSample | 'workers' | 'workersHeapMb'>): SoakReportLine {
  const heaps = Object.values(sample.workerHeapMb);
  return {
    second: sample.second,
    rssMb: sample.rssMb,
    runtimeHeapMb: sample.runtimeHeapMb,
    workers: heaps.length,
    workersHeapMb: heaps.reduce((a, b) => a + b, 0),
    workerHeapMb: sample.workerHeapMb,
    workerLiveHeapMb: sample.workerLiveHeapMb,
    lag: sample.lag,
    lagByFunction: sample.lagByFunction,
    queueDepth: sample.queueDepth,
    parkingLots: sample.parkingLots,
    invocationErrors: sample.invocationErrors,
    ...load,
  };
}

/** What the soak prints for one report line: the totals, then lag per function and each worker's heap. */
export function printedReport(line: SoakReportLine): string {
  const lagging = Object.entries(line.lagByFunction)
    .filter(([, lag]) => lag > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([fn, lag]) => `${shortFunction(fn)} ${count(lag)}`);
  const heaps = Object.entries(line.workerHeapMb)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([fn, mb]) => `${shortFunction(fn)} ${fixed(mb)}${line.workerLiveHeapMb[fn] === undefined ? '' : ` (${fixed(line.workerLiveHeapMb[fn])})`}`);
  return [
    `[soak ${clock(line.second)}] RSS ${fixed(line.rssMb)} MB | runtime heap ${fixed(line.runtimeHeapMb)} MB | ${line.workers} workers, heap ${fixed(line.workersHeapMb)} MB | ` +
      `lag ${count(line.lag)} | queues ${count(line.queueDepth)}, parked ${count(line.parkingLots)} | orders ${count(line.ordersAccepted)} accepted, ${count(line.ordersFinal)} final | ` +
      `events ${count(line.eventsAccepted)} accepted | 5xx ${line.http5xx}, other refusals ${line.otherRefusals}, invocation errors ${line.invocationErrors}`,
    `    lag by function: ${lagging.length > 0 ? lagging.join(', ') : 'none'}`,
    `    worker heap used MB (after the last full GC): ${heaps.join(', ')}`,
  ].join('\n');
}

const verdictCell = (trend: GrowthTrend): string => (showsGrowth(trend) ? '**GROWS**' : trend.verdict);

/** The results file a person reads: the minute lines, each worker's heap by minute, the trends with their limits, and the checks. */
export function soakMarkdown(run: SoakRun): string {
  const s = run.settings;
  const c = run.correctness;
  const workers = [...new Set(run.reports.flatMap((r) => Object.keys(r.workerHeapMb)))].sort();
  const minutes = markdownTable(
    [
      't',
      'RSS MB',
      'runtime heap MB',
      'workers',
      'workers heap MB',
      'lag',
      'queue depth',
      'parked',
      'events accepted',
      'orders accepted',
      'orders final',
      '5xx',
      'other refusals',
      'invocation errors',
    ],
    run.reports.map((r) => [
      clock(r.second),
      fixed(r.rssMb),
      fixed(r.runtimeHeapMb),
      String(r.workers),
      fixed(r.workersHeapMb),
      count(r.lag),
      count(r.queueDepth),
      count(r.parkingLots),
      count(r.eventsAccepted),
      count(r.ordersAccepted),
      count(r.ordersFinal),
      String(r.http5xx),
      String(r.otherRefusals),
      String(r.invocationErrors),
    ]),
  );
  const heaps = markdownTable(
    ['worker heap used (MB)', ...run.reports.map((r) => clock(r.second))],
    workers.map((w) => [w, ...run.reports.map((r) => fixed(r.workerHeapMb[w] ?? Number.NaN))]),
  );
  const liveHeaps = markdownTable(
    ['worker heap after its last full GC (MB)', ...run.reports.map((r) => clock(r.second))],
    workers.map((w) => [w, ...run.reports.map((r) => fixed(r.workerLiveHeapMb[w] ?? Number.NaN))]),
  );
  const lagByFunction = [...new Set(run.reports.flatMap((r) => Object.keys(r.lagByFunction)))].sort();
  const lags = markdownTable(
    ['consumer lag (records)', ...run.reports.map((r) => clock(r.second))],
    lagByFunction.map((fn) => [fn, ...run.reports.map((r) => count(r.lagByFunction[fn] ?? Number.NaN))]),
  );
  const trends = markdownTable(
    ['series', 'samples', 'mean', 'slope / min', 'slope, % of mean / min', 't', 'swing about the line', 'resolution / min', 'limit / min', 'verdict'],
    run.trends.map((t) => [
      t.series,
      String(t.samples),
      `${round(t.mean).toLocaleString('en-US')} ${t.unit}`,
      `${round(t.slopePerMinute).toLocaleString('en-US')} ${t.unit}`,
      Number.isFinite(t.slopeShareOfMean) ? `${(t.slopeShareOfMean * 100).toFixed(2)}%` : 'n/a',
      Number.isFinite(t.tStatistic) ? t.tStatistic.toFixed(1) : String(t.tStatistic),
      Number.isFinite(t.swing) ? `${round(t.swing).toLocaleString('en-US')} ${t.unit}` : 'n/a',
      Number.isFinite(t.resolutionPerMinute) ? `${round(t.resolutionPerMinute).toLocaleString('en-US')} ${t.unit}` : 'n/a',
      `${round(t.limitPerMinute).toLocaleString('en-US')} ${t.unit}`,
      verdictCell(t),
    ]),
  );
  const limits = [...new Map(run.trends.map((t) => [t.limit.why, t.limit])).values()].map((l) => `- ${l.why}`);
  return [
    '### Soak',
    '',
    `${run.ranAt.slice(0, 16).replace('T', ' ')} UTC, ${run.machine.cores} × ${run.machine.cpu}, Node ${run.machine.node}; load average ${run.machine.loadAverageAtStart} at start, ${run.machine.loadAverageAtEnd} at the end. ` +
      `\`npm run bench -- soak\`: ${s.seconds} s at ${s.eventsPerSecond.toLocaleString('en-US')} events/s and ${s.ordersPerSecond} orders/s (one POST /events of ${s.eventsPerRequest} every 100 ms), ` +
      `sampled every ${s.sampleSeconds} s, trends fitted after a ${s.warmUpSeconds} s warm-up. **${run.passed ? 'PASSED' : 'FAILED'}**: ${run.passed ? 'no series grows and every check holds' : [...run.trends.filter(showsGrowth).map((t) => `${t.series} grows`), ...c.problems].join('; ')}.`,
    '',
    ...minutes,
    '',
    ...heaps,
    '',
    ...liveHeaps,
    '',
    ...lags,
    '',
    'Growth trend: a least-squares line over every sample after the warm-up (bench/growthTrend.ts). A series **grows** (a trend shown, the soak fails) when its slope is above the limit, at least 3 standard errors above flat, and it rises over the window by more than it swings about its line (samples 5 s apart are not independent: on a window not much longer than one tooth of a saw-tooth, the slope is set by where the window starts in the tooth); it is *unclear* when the slope is above the limit but within the noise (no trend shown; the resolution column is the smallest slope this run could have told from noise, 3 standard errors or the swing spread over the window, whichever is more, and a longer run resolves finer). ' +
      "Heaps are judged by their size just after full collections (live objects) when they had at least 3 after the warm-up, otherwise by heapUsed, garbage included: a quiet worker's heapUsed climbs for minutes between full collections without any leak. " +
      'The runtime thread seldom runs a full collection of its own, so its live heap is read from a heap snapshot of it once a minute (V8 collects before a snapshot; each pauses that thread about a second). Limits:',
    '',
    ...limits,
    '',
    ...trends,
    '',
    `Checks: ${c.ok ? 'all hold' : `FAILED: ${c.problems.join('; ')}`}. ${count(c.eventsAccepted)} of ${count(c.eventsOffered)} events offered accepted (orders included in the offer); ${count(c.ordersFinal)} of ${count(c.ordersAccepted)} accepted orders final, ${c.wrongOutcomes.length} with the wrong outcome; ` +
      `board total ${count(c.scoresSeen)} for ${count(c.scoresExpected)} accepted scores (exactly once); 5xx ${c.http5xx}, refusals ${JSON.stringify(c.refusals)}, ticks skipped ${c.skippedTicks}; ` +
      `drained (lag, queues and parking lots at 0, every order final) ${c.drainedSeconds === undefined ? 'NOT within the wait' : `${c.drainedSeconds.toFixed(1)} s after the load`}; invocation errors ${c.invocationErrors}, dead-lettered ${c.deadLettered}; runtime error lines ${c.runtimeErrorLines.length}.`,
    '',
    "Memory: RSS is the runtime process's (it runs as `npm start` does, in a child process of its own: the load generator's memory is not in it); a worker's heap is its own isolate's (process.memoryUsage() in that thread), which leaves out native memory (stacks, libuv, sockets) that only the RSS shows.",
    '',
  ].join('\n');
}
