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
