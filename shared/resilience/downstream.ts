import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { logger } from '../observability/logger';
import { publishPermissionDenied } from '../observability/permissionDeniedMetric';
import { remainingMs } from './invocationDeadline';
import { isConnectionError } from './connectionError';
import { isPermissionError } from './permissionError';
import { CallGuard } from './callGuard';
import { DOWNSTREAM_SETTINGS as SETTINGS, type DownstreamName, type DownstreamSettings } from './downstreamSettings';

export type { DownstreamName } from './downstreamSettings';

/** Time kept back from the invocation's remaining time, to answer (or fail the batch) before Lambda kills it. */
const SAFETY_MARGIN_MS = 250;
const MIN_TIMEOUT_MS = 20;

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

export interface DownstreamStatus {
  name: DownstreamName;
  state: BreakerState;
  stateChangedAt: string;
  calls: number;
  failures: number;
  timeouts: number;
  /** Calls refused without trying: breaker open, or too many already waiting. */
  refused: number;
  /** Calls the downstream refused for lack of permission (NOPERM, ACCESS_REFUSED): defects, not outages. */
  denied: number;
}

/**
 * One downstream (Kafka, Redis, RabbitMQ, a provider) behind a guard with cockatiel's semantics and
 * error classes (shared/resilience/callGuard): a bulkhead (bounded concurrency and queue), a circuit
 * breaker (opens after consecutive failures, lets a trial call through after a pause, closes on its
 * success), and a timeout sized from the invocation's remaining time. A refused or timed-out call
 * fails at once with the policy's error, which callers turn into a 503, a failed batch or a
 * retry-queue trip.
 */
export class Downstream {
  readonly name: DownstreamName;
  private readonly settings: DownstreamSettings;
  private readonly guard: CallGuard;
  private changedAt = new Date();
  private readonly counts = { calls: 0, failures: 0, timeouts: 0, refused: 0, denied: 0 };

  constructor(name: DownstreamName, settings: DownstreamSettings = SETTINGS[name]) {
    this.name = name;
    this.settings = settings;
    // A permission error proves the server answered: it is passed through without counting towards
    // the breaker, which every caller of this downstream in the process shares.
    this.guard = new CallGuard(
      settings,
      (error) => !isPermissionError(error),
      () => {
        this.changedAt = new Date();
      },
    );
  }

  async call<T>(fn: (signal?: AbortSignal) => Promise<T>): Promise<T> {
    this.counts.calls++;
    const left = remainingMs();
    const budget = left === undefined ? this.settings.timeoutMs : Math.min(this.settings.timeoutMs, left - SAFETY_MARGIN_MS);
    try {
      return await this.guard.execute(fn, Math.max(MIN_TIMEOUT_MS, budget));
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError) this.counts.refused++;
      else if (isPermissionError(error)) {
        this.counts.denied++;
        logger.error('permission denied by a downstream: a defect in the access rules or credentials, not an outage', { downstream: this.name, error: error as Error });
        publishPermissionDenied(this.name);
      } else if (error instanceof TaskCancelledError) this.counts.timeouts++;
      else this.counts.failures++;
      throw error;
    }
  }

  /** Seconds a client should wait before trying again while this downstream is refusing calls. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.settings.halfOpenAfterMs / 1000));
  }

  status(): DownstreamStatus {
    return { name: this.name, state: this.guard.state, stateChangedAt: this.changedAt.toISOString(), ...this.counts };
  }
}

const registry = new Map<DownstreamName, Downstream>();

/**
 * The process's guard of one downstream. A Lambda function is a process of its own (its containers),
 * so its breakers see its own calls only; the local runtime gives each function a worker of its own
 * for the same reason (emulator/runtime/functionHost).
 */
export function downstream(name: DownstreamName): Downstream {
  let found = registry.get(name);
  if (found === undefined) {
    found = new Downstream(name, SETTINGS[name]);
    registry.set(name, found);
  }
  return found;
}

export const downstreamStatuses = (): DownstreamStatus[] => [...registry.values()].map((d) => d.status()).sort((a, b) => a.name.localeCompare(b.name));

/** True for a call the policies refused or cut short, or whose connection failed: the downstream is unavailable, not the request wrong. */
export const isUnavailable = (error: unknown): boolean =>
  error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError || error instanceof TaskCancelledError || isConnectionError(error);

export const isRefused = (error: unknown): boolean => error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError;
