import type { OpsStatus } from '../../../../emulator/ops/collectOpsStatus';
import { sampleOf, soakLimits, soakTrends, type SoakSample } from '../../../../bench/soak/soakSample';

const MB = 1024 * 1024;
const worker = (fn: string, heapMb: number) => ({ function: `triplane-local-${fn}`, heapUsed: heapMb * MB, heapTotal: 2 * heapMb * MB, external: 0, arrayBuffers: 0 });
const fnStatus = (fn: string, errors: number) => ({ function: fn, invocations: 10, errors, p50Ms: 1, p99Ms: 2, records: 10, duplicates: 0, hopRefused: 0, idReused: 0, deadLettered: 0 });

const status = (overrides: Partial<OpsStatus> = {}): OpsStatus => ({
  time: '2026-12-06T16:00:00.000Z',
  functions: [fnStatus('project-orders', 1), fnStatus('ingest-events', 0)],
  lag: [
    { function: 'archive-events', topic: 'scores', group: 'g1', total: 30, partitions: [] },
    { function: 'archive-events', topic: 'orders', group: 'g2', total: 12, partitions: [] },
    { function: 'project-leaderboards', topic: 'scores', group: 'g3', total: 5, partitions: [] },
  ],
  skipped: [],
  queues: [
    { queue: 'payment.authorize', depth: 4, consumers: 1, parkingLot: 1, published: 0, delivered: 0 },
    { queue: 'inventory.reserve', depth: 2, consumers: 1, parkingLot: 0, published: 0, delivered: 0 },
  ],
  redis: { error: 'not read' },
  breakers: [],
  retries: [],
  memory: { rss: 300 * MB, heapUsed: 40 * MB, heapTotal: 60 * MB, external: 0, arrayBuffers: 0, workers: [worker('project-orders', 12), worker('ingest-events', 9)] },
  ...overrides,
});

describe('sampleOf', () => {
  it('should read memory in MB, lag per function and in total, queues, parking lots and errors from /ops/status', () => {
    const sample = sampleOf(60, status());
    expect(sample).toMatchObject({
      second: 60,
      rssMb: 300,
      runtimeHeapMb: 40,
      workerHeapMb: { 'project-orders': 12, 'ingest-events': 9 },
      lag: 47,
      lagByFunction: { 'archive-events': 42, 'project-leaderboards': 5 },
      queueDepth: 6,
      parkingLots: 1,
      invocationErrors: 1,
      unreadable: [],
    });
  });

  it('should give no lag or queue figure, and say why, when the runtime could not read them', () => {
    const sample = sampleOf(5, status({ lag: { error: 'broker down' }, queues: { error: 'channel closed' } }));
    expect(sample.lag).toBeNaN();
    expect(sample.queueDepth).toBeNaN();
    expect(sample.unreadable).toEqual(['lag: broker down', 'queues: channel closed']);
  });
});

describe('soakTrends', () => {
  const rates = { eventsPerSecond: 1_000, ordersPerSecond: 20 };
  const sample = (second: number, rssMb: number, lag: number, workers: Record<string, number>, live: Record<string, number> = workers): SoakSample => ({
    second,
    rssMb,
    runtimeHeapMb: 40,
    workerHeapMb: workers,
    runtimeLiveHeapMb: undefined,
    workerLiveHeapMb: live,
    lag,
    lagByFunction: {},
    queueDepth: 0,
    parkingLots: 0,
    invocations: 0,
    invocationErrors: 0,
    deadLettered: 0,
    unreadable: [],
  });

  it('should set the lag limit at 1% of the events offered per minute and the queue limit at 1% of the saga messages', () => {
    const limits = soakLimits(rates);
    expect(limits.lag.perMinute).toBe(600);
    expect(limits.queueDepth.perMinute).toBe(36);
  });

  it('should leave the warm-up out, so start-up allocation is no growth, and catch a worker that leaks', () => {
    const samples = Array.from({ length: 20 }, (_, i) => {
      const second = i * 30;
      // RSS climbs during the first two minutes only; the leaky worker gains 1 MB a minute throughout.
      const heaps = { steady: 10 + (i % 3) * 0.1, leaky: 10 + second / 60 };
      return sample(second, second < 120 ? 200 + second : 320, i % 2 === 0 ? 0 : 50, heaps, heaps);
    });
    const trends = soakTrends(samples, 120, rates);
    const verdict = (series: string) => trends.find((t) => t.series === series)?.verdict;
    expect(verdict('process RSS')).toBe('flat');
    expect(verdict('worker steady heap after full GC')).toBe('flat');
    expect(verdict('worker leaky heap after full GC')).toBe('grows');
    expect(verdict('consumer lag, all functions')).toBe('flat');
  });

  it("should judge a heap by its size after full collections, so a quiet worker's garbage between them is no leak", () => {
    // heapUsed climbs 4 MB a minute (garbage), while after each full collection the heap is back at 20 MB.
    const samples = Array.from({ length: 20 }, (_, i) => sample(i * 30, 300, 0, { quiet: 20 + (i * 30 * 4) / 60 }, { quiet: 20 + (i % 3) * 0.1 }));
    const trends = soakTrends(samples, 120, rates);
    expect(trends.find((t) => t.series.startsWith('worker quiet'))).toMatchObject({ series: 'worker quiet heap after full GC', verdict: 'flat' });
  });

  it("should start a heap's live series at its first full collection after the warm-up, not at the figure carried from the warm-up", () => {
    // A quiet worker: 26.5 MB after its last warm-up collection, then 34.4 MB from its first real one at 160 s, flat after.
    const live = (second: number) => (second < 160 ? 26.5 : 34.4 + ((second / 30) % 3) * 0.1);
    const samples = Array.from({ length: 20 }, (_, i) => sample(i * 30, 300, 0, { quiet: 40 }, { quiet: live(i * 30) }));
    const trend = soakTrends(samples, 120, rates).find((t) => t.series.startsWith('worker quiet'));
    expect(trend).toMatchObject({ series: 'worker quiet heap after full GC', verdict: 'flat' });
    // Samples at 180 s to 570 s: the ones at 120 and 150 s still carried the warm-up figure.
    expect(trend?.samples).toBe(14);
  });

  it('should fall back to heapUsed, and say so, for a heap with fewer than three full collections after the warm-up', () => {
    const samples = Array.from({ length: 20 }, (_, i) => sample(i * 30, 300, 0, { idle: 20 + (i * 30 * 4) / 60 }, {}));
    const trends = soakTrends(samples, 120, rates);
    expect(trends.find((t) => t.series.startsWith('worker idle'))).toMatchObject({ series: 'worker idle heap used (too few full GCs)', verdict: 'grows' });
    expect(trends.find((t) => t.series.startsWith('runtime thread'))?.series).toBe('runtime thread heap used (too few full GCs)');
  });

  it("should judge the runtime thread by its heap snapshots once it has three after the warm-up, whatever its heapUsed's sawtooth does", () => {
    // heapUsed climbs 1 MB a minute between the rare full collections; the snapshots, once a minute, stay at 20 MB.
    const samples = Array.from({ length: 20 }, (_, i) => ({
      ...sample(i * 30, 300, 0, {}),
      runtimeHeapMb: 21 + i / 2,
      ...(i % 2 === 0 ? { runtimeSnapshotHeapMb: 20 + (i % 3) * 0.05 } : {}),
    }));
    expect(soakTrends(samples, 120, rates).find((t) => t.series.startsWith('runtime thread'))).toMatchObject({
      series: 'runtime thread heap after full GC (heap snapshot)',
      verdict: 'flat',
      samples: 8,
    });
  });

  it('should find a runtime thread that leaks from its heap snapshots', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ ...sample(i * 30, 300, 0, {}), runtimeSnapshotHeapMb: 20 + i }));
    expect(soakTrends(samples, 120, rates).find((t) => t.series.startsWith('runtime thread'))).toMatchObject({
      series: 'runtime thread heap after full GC (heap snapshot)',
      verdict: 'grows',
    });
  });
});
