/**
 * When a benchmark's warm-up has reached steady state: its passes' cost (CPU per order, per message)
 * has stopped falling. A JIT warms for a while after every function's first call: the local runtime
 * runs each function in an isolate of its own, and each isolate optimizes its own copy of the same
 * libraries (measured: passes of 2,000 orders fell from 1.31 to about 0.92 ms of CPU per order over
 * the first five after the cold one, then stayed there). Timing passes before that measures the warming, not the
 * throughput; the same rule warms up the raw amqplib baseline, which falls too (0.026 -> 0.015 ms per message).
 */
export interface SteadyRule {
  /** Passes at the end that must set no new low: one noisy pass cannot end the warm-up, nor hide a fall. */
  passesWithoutNewLow: number;
  /** How much lower than every earlier pass counts as still falling: below this is a machine's noise. */
  tolerance: number;
  /** The warm-up ends here even if still falling, and says so. */
  maxPasses: number;
}

export const STEADY_RULE: SteadyRule = { passesWithoutNewLow: 2, tolerance: 0.03, maxPasses: 15 };

/**
 * Whether passes of these costs (in order, the first a cold one) have stopped falling: none of the last
 * `passesWithoutNewLow` is more than `tolerance` below the lowest of the passes before them. Compared
 * with all earlier passes, not the previous one, so a slow creep (2.5% a pass) is still a fall.
 */
export function stoppedFalling(costs: readonly number[], rule: SteadyRule = STEADY_RULE): boolean {
  if (costs.length < rule.passesWithoutNewLow + 1) return false;
  const lowestBefore = Math.min(...costs.slice(0, -rule.passesWithoutNewLow));
  const lowestSince = Math.min(...costs.slice(-rule.passesWithoutNewLow));
  return lowestSince >= lowestBefore * (1 - rule.tolerance);
}

export interface WarmUp {
  /** Each warm-up pass's cost, in order. */
  costs: number[];
  seconds: number;
  /** False when maxPasses ended it still falling. */
  steady: boolean;
}

/** Runs `pass` (which resolves to its cost) until the costs stop falling, or maxPasses. */
export async function warmUntilSteady(pass: () => Promise<number>, rule: SteadyRule = STEADY_RULE): Promise<WarmUp> {
  const started = performance.now();
  const costs: number[] = [];
  while (costs.length < rule.maxPasses) {
    costs.push(await pass());
    if (stoppedFalling(costs, rule)) return { costs, seconds: (performance.now() - started) / 1000, steady: true };
  }
  return { costs, seconds: (performance.now() - started) / 1000, steady: false };
}

/** "7 passes (20.1 s; 5.65, 1.31, ... ms)" for a benchmark's notes. */
export function describeWarmUp(warmUp: WarmUp, unit: string, digits: number): string {
  const costs = warmUp.costs.map((c) => c.toFixed(digits)).join(', ');
  return `${warmUp.costs.length} passes (${warmUp.seconds.toFixed(1)} s; CPU ${costs} ${unit})${warmUp.steady ? '' : ', still falling when the pass limit ended it'}`;
}
