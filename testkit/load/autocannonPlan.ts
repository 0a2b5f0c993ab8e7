/** What the autocannon worker is asked to do, and what it reports back (plain data: it crosses threads). */
export interface AutocannonPlan {
  url: string;
  method: 'GET' | 'POST';
  /** Paths cycled through request by request; one is enough for a fixed route. */
  paths: string[];
  /** Bodies cycled through request by request (index i gets bodies[i % length]); none for GET. */
  bodies?: string[];
  headers?: Record<string, string>;
  connections: number;
  /** Requests per second over all connections (autocannon's overallRate); unlimited when absent. */
  overallRate?: number;
  durationSeconds?: number;
  /** Stop after this many requests instead of after a duration. */
  amount?: number;
  /** Post a `sent` message for each request as it is written, for end-to-end (freshness) timing. */
  reportSends?: boolean;
}

export interface SentMessage {
  type: 'sent';
  index: number;
  /** Epoch milliseconds with sub-millisecond precision (performance.timeOrigin + now), same clock in every thread. */
  at: number;
}

export interface AutocannonResult {
  type: 'done';
  /** Response time of every 2xx response, in ms, as autocannon measures it (write to last byte). */
  latenciesMs: number[];
  /** When each response (any status) completed, epoch ms: per-second throughput comes from these. */
  completedAt: number[];
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  sent: number;
  startedAt: number;
  finishedAt: number;
}

export const epochNow = (): number => performance.timeOrigin + performance.now();
