import type { OpsStatus } from '../../emulator/ops/collectOpsStatus';
import { growthTrend, afterWarmUp, type GrowthLimit, type GrowthTrend, type TrendPoint } from '../growthTrend';

const MB = 1024 * 1024;

/** One reading of the runtime (its /ops/status) and of the load, `second` seconds after the load started. */
export interface SoakSample {
  second: number;
  rssMb: number;
  /** The runtime thread's own heap (HTTP server, event source mappings, ops view). */
  runtimeHeapMb: number;
  /** Each running worker's own heap, by function key. */
  workerHeapMb: Record<string, number>;
  /** The runtime thread's heap after its last full collection (its live objects), once it had one. */
  runtimeLiveHeapMb: number | undefined;
  /** Each worker's heap after its last full collection, for those that had one. */
  workerLiveHeapMb: Record<string, number>;
  /** The runtime thread's live heap from a heap snapshot the soak took right after this sample (once a minute). */
  runtimeSnapshotHeapMb?: number;
  /** NaN when the runtime could not read Kafka's offsets (said in `unreadable`). */
  lag: number;
  lagByFunction: Record<string, number>;
  queueDepth: number;
  parkingLots: number;
  invocations: number;
  invocationErrors: number;
  deadLettered: number;
  /** What /ops/status could not read this time (lag, queues). */
  unreadable: string[];
}

const shortName = (functionName: string): string => functionName.replace(/^.*-local-/, '');

/** The figures of one /ops/status answer that the soak follows. */
export function sampleOf(second: number, status: OpsStatus): SoakSample {
  const lagByFunction: Record<string, number> = {};
  const unreadable: string[] = [];
  if (Array.isArray(status.lag)) for (const entry of status.lag) lagByFunction[entry.function] = (lagByFunction[entry.function] ?? 0) + entry.total;
  else unreadable.push(`lag: ${status.lag.error}`);
  if (!Array.isArray(status.queues)) unreadable.push(`queues: ${status.queues.error}`);
  const queues = Array.isArray(status.queues) ? status.queues : [];
  return {
    second,
    rssMb: status.memory.rss / MB,
    runtimeHeapMb: status.memory.heapUsed / MB,
    workerHeapMb: Object.fromEntries(status.memory.workers.map((w) => [shortName(w.function), w.heapUsed / MB])),
    runtimeLiveHeapMb: status.memory.heapAfterFullGc === undefined ? undefined : status.memory.heapAfterFullGc / MB,
    workerLiveHeapMb: Object.fromEntries(status.memory.workers.flatMap((w) => (w.heapAfterFullGc === undefined ? [] : [[shortName(w.function), w.heapAfterFullGc / MB]]))),
    lag: Array.isArray(status.lag) ? Object.values(lagByFunction).reduce((a, b) => a + b, 0) : Number.NaN,
    lagByFunction,
    queueDepth: Array.isArray(status.queues) ? queues.reduce((n, q) => n + q.depth, 0) : Number.NaN,
    parkingLots: Array.isArray(status.queues) ? queues.reduce((n, q) => n + q.parkingLot, 0) : Number.NaN,
    invocations: status.functions.reduce((n, f) => n + f.invocations, 0),
    invocationErrors: status.functions.reduce((n, f) => n + f.errors, 0),
    deadLettered: status.functions.reduce((n, f) => n + f.deadLettered, 0),
    unreadable,
  };
}

export interface SoakRates {
  eventsPerSecond: number;
  ordersPerSecond: number;
}

/**
 * The limits, and why. Memory: 1% of the series' own mean per minute, i.e. +10% over a 10-minute run,
 * a leak that would double the runtime's memory in under two hours of `npm start`; a 10-minute run
 * sampled every 5 s resolves slopes well under that against a garbage-collected heap's saw-tooth, while
 * a smaller leak needs a longer run (TPBENCH_SOAK_SECONDS) to tell from the noise. Lag and queue depth
 * hover near zero when the system keeps up, so a share of their mean means nothing: their limit is 1%
 * of what the load offers per minute (events for lag, saga messages for the queues): consumers falling
 * behind by more than 1% of the input would show. Parking lots must not grow at all.
 */
export function soakLimits(rates: SoakRates): Record<'memory' | 'lag' | 'queueDepth' | 'parkingLots', GrowthLimit> {
  const eventsPerMinute = rates.eventsPerSecond * 60;
  const sagaMessagesPerMinute = rates.ordersPerSecond * 3 * 60;
  return {
    memory: { kind: 'share-of-mean', perMinute: 0.01, why: "1% of the series' mean per minute (+10% over 10 minutes: a leak doubling memory in under 2 hours)" },
    lag: { kind: 'absolute', perMinute: 0.01 * eventsPerMinute, why: `1% of the ${eventsPerMinute.toLocaleString('en-US')} events offered per minute` },
    queueDepth: { kind: 'absolute', perMinute: 0.01 * sagaMessagesPerMinute, why: `1% of the ${sagaMessagesPerMinute.toLocaleString('en-US')} saga messages per minute (3 per order)` },
    parkingLots: { kind: 'absolute', perMinute: 0, why: 'a parked message is a failed step: none may accumulate' },
  };
}

/** Full collections a heap must have had after the warm-up for its live size to be judged. */
const MIN_FULL_COLLECTIONS = 3;

/**
 * Every series the soak judges, each fitted over the samples after the warm-up. A heap is judged by
 * its size after full collections (its live objects), from its first full collection after the
 * warm-up, when it had at least 3 of them; otherwise by heapUsed, garbage included (the series name
 * says which). The runtime thread's is judged by its heap snapshots when there are at least 3.
 */
export function soakTrends(samples: readonly SoakSample[], warmUpSeconds: number, rates: SoakRates): GrowthTrend[] {
  const limits = soakLimits(rates);
  const points = (value: (s: SoakSample) => number | undefined): TrendPoint[] =>
    afterWarmUp(
      samples.map((s) => ({ minute: s.second / 60, value: value(s) ?? Number.NaN })),
      warmUpSeconds / 60,
    ).filter((p) => Number.isFinite(p.value));
  const heap = (name: string, live: (s: SoakSample) => number | undefined, used: (s: SoakSample) => number | undefined): GrowthTrend => {
    // The live size a heap reports until its first full collection after the warm-up is the one it had
    // during the warm-up: a quiet worker (refunds: 2 orders a second) first collects minutes in, and its
    // warm-up figure carried past the cut would read as growth.
    const carried = samples.filter((s) => s.second < warmUpSeconds).reduce<number | undefined>((last, s) => live(s) ?? last, undefined);
    const after = points(live);
    const firstOwn = after.findIndex((p) => p.value !== carried);
    const livePoints = firstOwn < 0 ? [] : after.slice(firstOwn);
    return new Set(livePoints.map((p) => p.value)).size >= MIN_FULL_COLLECTIONS
      ? growthTrend(`${name} heap after full GC`, 'MB', livePoints, limits.memory)
      : growthTrend(`${name} heap used (too few full GCs)`, 'MB', points(used), limits.memory);
  };
  const workers = [...new Set(samples.flatMap((s) => Object.keys(s.workerHeapMb)))].sort();
  // The runtime thread seldom runs a full collection of its own (its ~20 MB heap fills slowly), so the
  // soak measures its live heap with a heap snapshot once a minute; without 3 of them, as the workers.
  const snapshots = points((s) => s.runtimeSnapshotHeapMb);
  const runtimeHeap =
    snapshots.length >= MIN_FULL_COLLECTIONS
      ? growthTrend('runtime thread heap after full GC (heap snapshot)', 'MB', snapshots, limits.memory)
      : heap(
          'runtime thread',
          (s) => s.runtimeLiveHeapMb,
          (s) => s.runtimeHeapMb,
        );
  return [
    growthTrend(
      'process RSS',
      'MB',
      points((s) => s.rssMb),
      limits.memory,
    ),
    runtimeHeap,
    // A worker missing from a sample (not started yet, or replaced after a crash) gives no point there.
    ...workers.map((w) =>
      heap(
        `worker ${w}`,
        (s) => s.workerLiveHeapMb[w],
        (s) => s.workerHeapMb[w],
      ),
    ),
    growthTrend(
      'consumer lag, all functions',
      'records',
      points((s) => s.lag),
      limits.lag,
    ),
    growthTrend(
      'queue depth, saga queues',
      'messages',
      points((s) => s.queueDepth),
      limits.queueDepth,
    ),
    growthTrend(
      'parking lots',
      'messages',
      points((s) => s.parkingLots),
      limits.parkingLots,
    ),
  ];
}
