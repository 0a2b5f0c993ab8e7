import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';

export type GuardState = 'closed' | 'open' | 'half-open';

export interface CallGuardSettings {
  /** Consecutive failures that open the breaker. */
  failures: number;
  /** How long an open breaker refuses calls before it lets one trial call through (half-open). */
  halfOpenAfterMs: number;
  /** Calls in flight, and calls waiting, beyond which a call is refused at once. */
  maxConcurrent: number;
  maxQueued: number;
}

interface Waiting {
  fn: (signal?: AbortSignal) => Promise<unknown>;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * A bulkhead, a consecutive-failures circuit breaker and an aggressive timeout, in that order, with
 * cockatiel's semantics and its error classes (`wrap(bulkhead, circuitBreaker(ConsecutiveBreaker),
 * timeout(Aggressive))`, which this replaced): a call past the bulkhead's slots waits in its queue, one
 * past the queue is refused with BulkheadRejectedError; an open breaker refuses with BrokenCircuitError
 * until halfOpenAfterMs passed, then lets one trial call through while the others wait for its outcome
 * (success closes, a counted failure opens again, an uncounted error closes); the timeout starts when
 * the call leaves the queue and rejects with TaskCancelledError, aborting the call's signal. A timeout
 * counts as a failure; an error `counts` says no to neither counts nor resets.
 *
 * Why not cockatiel's policies themselves: per call they built two AbortControllers, an abort listener
 * on each, a timer, a Promise.race and three executor wrappers, ~8% of a workflow step thread's CPU
 * profile (it guards each provider call of a batch). Here a call costs a timer, and an AbortController
 * when the call takes a signal.
 */
export class CallGuard {
  private readonly settings: CallGuardSettings;
  private readonly counts: (error: unknown) => boolean;
  private readonly onStateChange: (state: GuardState) => void;
  private active = 0;
  private readonly waiting: Waiting[] = [];
  private consecutiveFailures = 0;
  private current: GuardState = 'closed';
  private openedAt = 0;
  private trial: Promise<unknown> | undefined;

  constructor(settings: CallGuardSettings, counts: (error: unknown) => boolean, onStateChange: (state: GuardState) => void = () => undefined) {
    this.settings = settings;
    this.counts = counts;
    this.onStateChange = onStateChange;
  }

  get state(): GuardState {
    return this.current;
  }

  execute<T>(fn: (signal?: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
    if (this.active < this.settings.maxConcurrent) {
      this.active++;
      const work = this.throughBreaker(fn, timeoutMs);
      work.then(this.release, this.release);
      return work;
    }
    if (this.waiting.length < this.settings.maxQueued) {
      return new Promise<T>((resolve, reject) => {
        this.waiting.push({ fn, timeoutMs, resolve: resolve as (value: unknown) => void, reject });
      });
    }
    return Promise.reject(new BulkheadRejectedError(this.settings.maxConcurrent, this.settings.maxQueued));
  }

  /** A slot came free: the oldest waiting call takes it (after a tick, as cockatiel's queue), else it is given back. */
  private readonly release = (): void => {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.active--;
      return;
    }
    const work = Promise.resolve().then(() => this.throughBreaker(next.fn, next.timeoutMs));
    work.then(next.resolve, next.reject);
    work.then(this.release, this.release);
  };

  private async throughBreaker<T>(fn: (signal?: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
    switch (this.current) {
      case 'closed':
        try {
          const value = await this.timed(fn, timeoutMs);
          this.consecutiveFailures = 0;
          return value;
        } catch (error) {
          if (this.counts(error) && ++this.consecutiveFailures >= this.settings.failures) this.open();
          throw error;
        }
      case 'half-open':
        await this.trial?.catch(() => undefined);
        return this.throughBreaker(fn, timeoutMs);
      case 'open': {
        if (Date.now() - this.openedAt < this.settings.halfOpenAfterMs) throw new BrokenCircuitError();
        const trial = this.trialCall(fn, timeoutMs);
        this.trial = trial;
        this.setState('half-open');
        return trial;
      }
    }
  }

  private async trialCall<T>(fn: (signal?: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
    try {
      const value = await this.timed(fn, timeoutMs);
      this.consecutiveFailures = 0;
      this.closeAfterTrial();
      return value;
    } catch (error) {
      if (this.counts(error)) {
        this.consecutiveFailures++;
        this.open();
      } else this.closeAfterTrial();
      throw error;
    }
  }

  /** Only from half-open: a call admitted while closed may have failed and opened the breaker during the trial, which then stays open. */
  private closeAfterTrial(): void {
    if (this.current === 'half-open') this.setState('closed');
  }

  private open(): void {
    if (this.current === 'open') return;
    this.openedAt = Date.now();
    this.setState('open');
  }

  private setState(state: GuardState): void {
    if (state === this.current) return;
    this.current = state;
    if (state !== 'half-open') this.trial = undefined;
    this.onStateChange(state);
  }

  // No named closure per call: tsx and esbuild's keepNames wrap each one in a __name() call (a defineProperty), ~1% of a step thread.
  //
  // A call that declares no parameter (every Downstream call in the code: `() => redis...`) cannot read a
  // signal, so none is made for it (the signal is typed optional for that reason: a function with a
  // default or rest parameter has no declared length, and gets none either): Node makes an AbortController's signal on first read, and making
  // it was ~2% of a workflow step's thread and ~1% of project-orders'. Its timeout rejects the same.
  private timed<T>(fn: (signal?: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
    const controller = fn.length === 0 ? undefined : new AbortController();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        controller?.abort();
        reject(new TaskCancelledError(`Operation timed out after ${timeoutMs}ms`));
      }, timeoutMs);
      let work: Promise<T>;
      try {
        work = fn(controller?.signal);
      } catch (error) {
        settled = true;
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, passed on as it threw it
        reject(error);
        return;
      }
      Promise.resolve(work).then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, passed on as it rejected
          reject(error);
        },
      );
    });
  }
}
