export type DownstreamName = 'kafka' | 'redis' | 'rabbitmq' | 'payment' | 'inventory' | 'shipping';

export interface DownstreamSettings {
  /** Longest a call may take, before the invocation's remaining time shortens it further. */
  timeoutMs: number;
  /** Consecutive failures that open the breaker. */
  failures: number;
  /** How long an open breaker refuses calls before it lets one trial call through (half-open). */
  halfOpenAfterMs: number;
  /** Calls in flight, and calls waiting, beyond which a call is refused at once: no unbounded queue. */
  maxConcurrent: number;
  maxQueued: number;
}

export const DOWNSTREAM_SETTINGS: Readonly<Record<DownstreamName, DownstreamSettings>> = {
  kafka: { timeoutMs: 5_000, failures: 5, halfOpenAfterMs: 2_000, maxConcurrent: 64, maxQueued: 256 },
  redis: { timeoutMs: 1_000, failures: 5, halfOpenAfterMs: 1_000, maxConcurrent: 512, maxQueued: 1_024 },
  rabbitmq: { timeoutMs: 5_000, failures: 5, halfOpenAfterMs: 2_000, maxConcurrent: 64, maxQueued: 256 },
  payment: { timeoutMs: 3_000, failures: 5, halfOpenAfterMs: 2_000, maxConcurrent: 64, maxQueued: 256 },
  inventory: { timeoutMs: 3_000, failures: 5, halfOpenAfterMs: 2_000, maxConcurrent: 64, maxQueued: 256 },
  shipping: { timeoutMs: 3_000, failures: 5, halfOpenAfterMs: 2_000, maxConcurrent: 64, maxQueued: 256 },
};

/** Calls a downstream's guard takes at once (in flight plus waiting); one more is refused without trying. */
export const downstreamCapacity = (name: DownstreamName): number => DOWNSTREAM_SETTINGS[name].maxConcurrent + DOWNSTREAM_SETTINGS[name].maxQueued;
