/** How often the ops view samples the systems, and for how long a read counts as someone watching. */
export interface OpsSamplingPace {
  /** Between samples while someone reads the page or /ops/status. */
  intervalMs: number;
  /** Between samples while nobody does: the chart's five minutes still have points, at a fraction of the cost. */
  idleIntervalMs: number;
  /** A read keeps the pace at intervalMs for this long (the page polls every second). */
  watchMs: number;
  /** Longest a read waits for a new sample before it gets the last one (a sample of a failing system can take long). */
  freshWaitMs: number;
}

/**
 * The pace of the local ops view. Sampling is Kafka's lag of every consumer group, every queue's depth,
 * Redis INFO and a SCAN, and each function worker's figures: about a tenth of a core once a second in
 * every local run (3.6 s of the sampler thread in the workflow benchmark's profile), for a page nobody
 * may be looking at. So it samples once a second only while read, and a read of an older sample waits
 * for a new one: whoever reads (the page, the soak benchmark once a minute, a test's wait loop) still
 * gets figures at most a second or so old.
 */
export const OPS_SAMPLING_PACE: OpsSamplingPace = { intervalMs: 1_000, idleIntervalMs: 15_000, watchMs: 30_000, freshWaitMs: 2_000 };

/**
 * Whether the view's timer, ticking every intervalMs, takes a sample at `now`: every tick while the view
 * was read within watchMs, else once idleIntervalMs passed since the last sample (less half a tick, so
 * a timer firing a little early does not put the next idle sample a whole tick later).
 */
export function samplingDue(now: number, lastSampleAt: number, lastReadAt: number, pace: OpsSamplingPace): boolean {
  if (now - lastReadAt < pace.watchMs) return true;
  return now - lastSampleAt >= pace.idleIntervalMs - pace.intervalMs / 2;
}

/** Whether a read must wait for a new sample: the last one is older than a watched view's would be. */
export function sampleTooOldToServe(now: number, lastSampleAt: number, pace: OpsSamplingPace): boolean {
  return now - lastSampleAt > 2 * pace.intervalMs;
}
