/**
 * The few statistics the benchmarks report. Percentiles use the nearest-rank method on a sorted copy:
 * with thousands of samples the choice of method moves p99 by less than the noise of a shared machine,
 * and nearest-rank always returns a value that was really measured.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    p999: percentileOfSorted(sorted, 99.9),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/**
 * A latency distribution cut down to at most `points` quantiles, for the chart and the JSON results:
 * 20,000 raw samples per series would make both heavy without showing anything more.
 */
export function quantilePoints(samples: readonly number[], points = 200): Array<{ quantile: number; ms: number }> {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const result: Array<{ quantile: number; ms: number }> = [];
  for (let i = 0; i <= points; i++) {
    // Denser towards the tail, where p99 lives: quantile = 1 - 10^(-3 i / points) spans 0 to 0.999.
    const quantile = i === points ? 1 : 1 - 10 ** ((-3 * i) / points);
    const index = Math.min(sorted.length - 1, Math.floor(quantile * (sorted.length - 1)));
    result.push({ quantile, ms: sorted[index] ?? Number.NaN });
  }
  return result;
}

/** Rounds for display and JSON: three significant decimals below 10, fewer above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 3;
  return Number(value.toFixed(decimals));
}
