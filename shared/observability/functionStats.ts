/** What one invocation did, as the invocation middleware saw it. */
export interface InvocationOutcome {
  ok: boolean;
  durationMs: number;
  received?: number;
  duplicates?: number;
  hopRefused?: number;
  idReused?: number;
  deadLettered?: number;
}

export interface FunctionStatus {
  function: string;
  invocations: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  records: number;
  duplicates: number;
  hopRefused: number;
  /** Events refused because their id had been used for other content (never applied, dead-lettered). */
  idReused: number;
  deadLettered: number;
}

const WINDOW = 1_000;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

/**
 * Counters and recent durations of one function in this process: what the ops view shows locally
 * (on Lambda the same figures go to CloudWatch as embedded metrics). Durations keep the last 1,000
 * invocations, so p99 reflects now rather than since start.
 */
export class FunctionStats {
  private readonly name: string;
  private readonly durations: number[] = [];
  private next = 0;
  private readonly counts = { invocations: 0, errors: 0, records: 0, duplicates: 0, hopRefused: 0, idReused: 0, deadLettered: 0 };

  constructor(name: string) {
    this.name = name;
  }

  record(outcome: InvocationOutcome): void {
    this.counts.invocations++;
    if (!outcome.ok) this.counts.errors++;
    this.counts.records += outcome.received ?? 0;
    this.counts.duplicates += outcome.duplicates ?? 0;
    this.counts.hopRefused += outcome.hopRefused ?? 0;
    this.counts.idReused += outcome.idReused ?? 0;
    this.counts.deadLettered += outcome.deadLettered ?? 0;
    this.durations[this.next] = outcome.durationMs;
    this.next = (this.next + 1) % WINDOW;
  }

  status(): FunctionStatus {
    const sorted = [...this.durations].sort((a, b) => a - b);
    return { function: this.name, ...this.counts, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
  }
}

const registry = new Map<string, FunctionStats>();

export function functionStats(name: string): FunctionStats {
  let stats = registry.get(name);
  if (stats === undefined) {
    stats = new FunctionStats(name);
    registry.set(name, stats);
  }
  return stats;
}

export const functionStatuses = (): FunctionStatus[] => [...registry.values()].map((s) => s.status()).sort((a, b) => a.function.localeCompare(b.function));
