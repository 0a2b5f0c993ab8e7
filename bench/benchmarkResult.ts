/**
 * What every benchmark hands back: rows for the table (a figure, its baseline measured in the same run,
 * their ratio, the aim and whether it was met), latency series for the chart, and the raw details
 * (every repetition, the settings) for the JSON file, so a surprising figure can be checked later.
 */
export interface ResultRow {
  /** What is measured, e.g. "projection records/s". */
  figure: string;
  value: number;
  unit: string;
  baseline?: number;
  /** What the baseline is, in a few words ("bare kafkajs eachBatch + one pipeline per batch"). */
  baselineLabel?: string;
  /**
   * value / baseline. For throughput higher is better; for latency lower is better, which `better`
   * says so the table can read the ratio the right way round.
   */
  ratio?: number;
  better: 'higher' | 'lower';
  /** How the table prints the ratio: a share of the baseline (default for throughput) or a factor (10x). */
  ratioAs?: 'share' | 'factor';
  aim: string;
  /** undefined when the row is information only (no aim attached). */
  met?: boolean;
}

export interface LatencySeries {
  /** The chart's facet: one panel per benchmark. */
  benchmark: string;
  /** Which side: "triplane", "baseline: ...". */
  label: string;
  points: Array<{ quantile: number; ms: number }>;
}

export interface BenchmarkResult {
  name: string;
  /** ISO time this benchmark ran, so a merged results file says which figures are from when. */
  measuredAt: string;
  durationSeconds: number;
  rows: ResultRow[];
  latencySeries: LatencySeries[];
  notes: string[];
  details: Record<string, unknown>;
}

export const ratioOf = (value: number, baseline: number): number => (baseline > 0 ? value / baseline : Number.NaN);
