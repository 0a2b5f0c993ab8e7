/**
 * Whether a series sampled during a soak grows: a least-squares line over the samples taken after the
 * warm-up, its slope per minute, the slope's standard error, and how far the series swings about the
 * line. Pure, so the verdict is unit-tested.
 */
export interface TrendPoint {
  /** Minutes since the load started. */
  minute: number;
  value: number;
}

export interface LineFit {
  n: number;
  slope: number;
  intercept: number;
  /** Standard error of the slope (residual spread over the spread of the times); NaN below 3 points. */
  slopeStdError: number;
  /** Highest minus lowest residual: how far the series swings about its line (0 for an exact line). */
  swing: number;
  /** Minutes from the first sample to the last. */
  spanMinutes: number;
  mean: number;
}

/**
 * The most a series may rise per minute and still count as flat: a share of its own mean (memory), or
 * an absolute amount (lag and queue depth, whose mean is near zero when all is well). `why` is printed
 * beside the verdict: a threshold is only as good as its reason.
 */
export type GrowthLimit = { kind: 'share-of-mean'; perMinute: number; why: string } | { kind: 'absolute'; perMinute: number; why: string };

export type TrendVerdict = 'flat' | 'grows' | 'unclear' | 'too few samples';

export interface GrowthTrend {
  series: string;
  unit: string;
  samples: number;
  mean: number;
  /** Slope of the fitted line, in unit per minute. */
  slopePerMinute: number;
  /** The slope as a share of the mean, per minute (NaN when the mean is 0). */
  slopeShareOfMean: number;
  /** slope / its standard error: how many standard errors above flat the slope is. */
  tStatistic: number;
  /**
   * The smallest slope this run could have told from noise, in unit per minute: 3 standard errors, or
   * the swing spread over the window when that is more (see growthTrend).
   */
  resolutionPerMinute: number;
  /** How far the series swings about its line, in unit. */
  swing: number;
  /** The limit in unit per minute, as applied to this series. */
  limitPerMinute: number;
  limit: GrowthLimit;
  verdict: TrendVerdict;
}

/**
 * Samples a minute apart in a soak are not independent (a heap's level carries over between samples),
 * so the textbook standard error is too small: a slope counts as growth only at 3 standard errors
 * above flat, not the usual 2.
 */
export const SIGNIFICANT_T = 3;
const MIN_POINTS = 3;

export function fitLine(points: readonly TrendPoint[]): LineFit {
  const n = points.length;
  const none = { slope: Number.NaN, intercept: Number.NaN, slopeStdError: Number.NaN, swing: Number.NaN, spanMinutes: 0 };
  if (n === 0) return { n, ...none, mean: Number.NaN };
  const meanT = points.reduce((sum, p) => sum + p.minute, 0) / n;
  const mean = points.reduce((sum, p) => sum + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.minute - meanT) ** 2;
    sxy += (p.minute - meanT) * (p.value - mean);
  }
  // All samples at one instant: no line to fit, and no growth to see.
  if (sxx === 0) return { n, ...none, mean };
  const slope = sxy / sxx;
  const intercept = mean - slope * meanT;
  let residuals = 0;
  let [lowest, highest] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  let [first, last] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const p of points) {
    const residual = p.value - (intercept + slope * p.minute);
    residuals += residual ** 2;
    [lowest, highest] = [Math.min(lowest, residual), Math.max(highest, residual)];
    [first, last] = [Math.min(first, p.minute), Math.max(last, p.minute)];
  }
  const slopeStdError = n >= MIN_POINTS ? Math.sqrt(residuals / (n - 2) / sxx) : Number.NaN;
  return { n, slope, intercept, slopeStdError, swing: highest - lowest, spanMinutes: last - first, mean };
}

/**
 * The verdict on one series: `grows` when the slope is above the limit, significant (t >= 3), and rises
 * over the window by more than the series swings about its line: a trend shown. `unclear` when it is
 * above the limit but within the noise: no trend shown, and a longer run would tell (resolutionPerMinute
 * says what this one could see). `flat` when it is at or below the limit. A perfectly straight rising
 * line (no residuals) is significant.
 *
 * Why the swing: the t-test takes the samples as independent, and samples 5 s apart are not. A
 * process's RSS moves in a saw-tooth of several minutes as workers' young generations grow and shrink;
 * on a window not much longer than one tooth the fitted slope is set by where the window starts in the
 * tooth (a soak failed at +26.7 MB/min, t far above 3, with a 250 MB tooth and every heap flat, and
 * passed at -10.7 on the next run of the same code). A rise smaller than one swing cannot be told from
 * that phase; a leak rises past its teeth, and a longer run shows it.
 */
export function growthTrend(series: string, unit: string, points: readonly TrendPoint[], limit: GrowthLimit): GrowthTrend {
  const fit = fitLine(points);
  const limitPerMinute = limit.kind === 'share-of-mean' ? limit.perMinute * Math.abs(fit.mean) : limit.perMinute;
  const rise = fit.slope * fit.spanMinutes;
  const tStatistic = fit.slopeStdError === 0 ? (fit.slope > 0 ? Number.POSITIVE_INFINITY : fit.slope < 0 ? Number.NEGATIVE_INFINITY : 0) : fit.slope / fit.slopeStdError;
  let verdict: TrendVerdict;
  if (fit.n < MIN_POINTS || !Number.isFinite(fit.slope)) verdict = 'too few samples';
  else if (fit.slope <= limitPerMinute) verdict = 'flat';
  else verdict = tStatistic >= SIGNIFICANT_T && rise > fit.swing ? 'grows' : 'unclear';
  return {
    series,
    unit,
    samples: fit.n,
    mean: fit.mean,
    slopePerMinute: fit.slope,
    slopeShareOfMean: fit.mean === 0 ? Number.NaN : fit.slope / Math.abs(fit.mean),
    tStatistic,
    resolutionPerMinute: Math.max(SIGNIFICANT_T * fit.slopeStdError, fit.spanMinutes > 0 ? fit.swing / fit.spanMinutes : Number.NaN),
    swing: fit.swing,
    limitPerMinute,
    limit,
    verdict,
  };
}

/** A trend is shown only by `grows`: `unclear` is a slope the run could not tell from noise. */
export const showsGrowth = (trend: GrowthTrend): boolean => trend.verdict === 'grows';

/** The samples after the warm-up: what the line is fitted to (start-up allocation is no leak). */
export const afterWarmUp = (points: readonly TrendPoint[], warmUpMinutes: number): TrendPoint[] => points.filter((p) => p.minute >= warmUpMinutes);
