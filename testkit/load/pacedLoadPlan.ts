/**
 * The paced load's schedule: requests leave every millisecond (Node's timers go no finer), rate / 1000
 * of them each time, two at 2,000 requests/s. It was 5 ms, ten requests at once: a burst every step that
 * neither wrk2's even spacing nor real traffic has, and that measured a serial worker's queue more than
 * its latency (README, read, ninth round).
 */
export const PACED_STEP_MS = 1;

/** What the paced (open-loop) load worker is asked to do; it reports an AutocannonResult (same plain data). */
export interface PacedLoadPlan {
  url: string;
  method: 'GET';
  /** Paths cycled through request by request. */
  paths: string[];
  headers?: Record<string, string>;
  /** Most requests in flight at once (keep-alive connections); a request due while all are busy waits for one, and its wait counts. */
  connections: number;
  /** Requests per second, spread evenly. */
  rate: number;
  /** Sent at the same rate on the same connections first, not counted. */
  warmupSeconds: number;
  durationSeconds: number;
}
