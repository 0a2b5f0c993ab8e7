/**
 * A retry budget: retries may add at most `ratio` of the traffic seen over the last `windowMs`, plus
 * `minPerWindow` so a quiet function can still retry. Past it, callers retry the slow way (longest
 * backoff) instead of piling retries onto a downstream that is already failing: retry storms are how
 * one slow system takes the others down. Time is passed in, so the rule is tested without waiting.
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly windowMs: number;
  private readonly minPerWindow: number;
  private requests: number[] = [];
  private retries: number[] = [];
  private counts = { requests: 0, retries: 0, overBudget: 0 };

  constructor(options: { ratio?: number; windowMs?: number; minPerWindow?: number } = {}) {
    this.ratio = options.ratio ?? 0.2;
    this.windowMs = options.windowMs ?? 10_000;
    this.minPerWindow = options.minPerWindow ?? 10;
  }

  recordRequest(now = Date.now()): void {
    this.requests.push(now);
    this.counts.requests++;
  }

  /** Asks to retry now; false means the budget is spent. A granted retry is counted against the budget. */
  tryRetry(now = Date.now()): boolean {
    const since = now - this.windowMs;
    this.requests = this.requests.filter((t) => t > since);
    this.retries = this.retries.filter((t) => t > since);
    if (this.retries.length >= this.minPerWindow + this.ratio * this.requests.length) {
      this.counts.overBudget++;
      return false;
    }
    this.retries.push(now);
    this.counts.retries++;
    return true;
  }

  status(): { requests: number; retries: number; overBudget: number; ratio: number } {
    return { ...this.counts, ratio: this.ratio };
  }
}

export type RetryBudgetStatus = ReturnType<RetryBudget['status']>;

let budget: RetryBudget | undefined;

/** The process's retry budget: a process is one function (locally, one worker per function). */
export function retryBudget(): RetryBudget {
  budget ??= new RetryBudget();
  return budget;
}

/** The budget's figures, or undefined while nothing in this process asked for it. */
export const retryBudgetStatus = (): RetryBudgetStatus | undefined => budget?.status();
