import { afterWarmUp, fitLine, growthTrend, showsGrowth, type GrowthLimit, type TrendPoint } from '../../../bench/growthTrend';

const memoryLimit: GrowthLimit = { kind: 'share-of-mean', perMinute: 0.01, why: 'test' };
const lagLimit: GrowthLimit = { kind: 'absolute', perMinute: 600, why: 'test' };
const series = (values: readonly number[], everyMinutes = 1): TrendPoint[] => values.map((value, i) => ({ minute: i * everyMinutes, value }));

describe('fitLine', () => {
  it('should recover the slope and intercept of an exact line', () => {
    const fit = fitLine(series([10, 12, 14, 16, 18]));
    expect(fit.slope).toBeCloseTo(2, 10);
    expect(fit.intercept).toBeCloseTo(10, 10);
    expect(fit.mean).toBeCloseTo(14, 10);
    expect(fit.slopeStdError).toBeCloseTo(0, 10);
  });

  it('should match the textbook least-squares slope and its standard error on noisy points', () => {
    // x = 0..4, y = 1, 3, 2, 5, 4: slope = Sxy / Sxx = 8 / 10; residual sum of squares 3.6 over n - 2 = 3.
    const fit = fitLine(series([1, 3, 2, 5, 4]));
    expect(fit.slope).toBeCloseTo(0.8, 10);
    expect(fit.intercept).toBeCloseTo(1.4, 10);
    expect(fit.slopeStdError).toBeCloseTo(Math.sqrt(3.6 / 3 / 10), 10);
  });

  it('should give the swing about the line and the span of the samples', () => {
    // Residuals of 1, 3, 2, 5, 4 about 1.4 + 0.8x: -0.4, 0.8, -1, 1.2, -0.6.
    const fit = fitLine(series([1, 3, 2, 5, 4]));
    expect(fit.swing).toBeCloseTo(2.2, 10);
    expect(fit.spanMinutes).toBe(4);
    expect(fitLine(series([10, 12, 14])).swing).toBeCloseTo(0, 10);
  });

  it('should give no slope when every sample is at the same instant', () => {
    const fit = fitLine([
      { minute: 1, value: 5 },
      { minute: 1, value: 7 },
    ]);
    expect(fit.slope).toBeNaN();
    expect(fit.mean).toBe(6);
  });
});

describe('growthTrend', () => {
  it('should call a steady 2%-a-minute rise growth', () => {
    const trend = growthTrend('rss', 'MB', series([100, 102, 104, 106, 108, 110, 112, 114]), memoryLimit);
    expect(trend.verdict).toBe('grows');
    expect(showsGrowth(trend)).toBe(true);
    expect(trend.slopePerMinute).toBeCloseTo(2, 10);
    expect(trend.slopeShareOfMean).toBeCloseTo(2 / 107, 10);
    expect(trend.limitPerMinute).toBeCloseTo(1.07, 10);
  });

  it('should call a saw-tooth around a level flat', () => {
    // A heap collected now and then: up and down, no drift.
    const trend = growthTrend('heap', 'MB', series([50, 58, 51, 57, 50, 58, 51, 57, 50, 58]), memoryLimit);
    expect(trend.verdict).toBe('flat');
    expect(Math.abs(trend.slopePerMinute)).toBeLessThan(trend.limitPerMinute);
  });

  it('should call a falling series flat', () => {
    expect(growthTrend('heap', 'MB', series([80, 75, 70, 66, 61]), memoryLimit).verdict).toBe('flat');
  });

  it('should call a rise above the limit but inside the noise unclear, which shows no growth, with the resolution the run had', () => {
    // Slope about 1.7/min on a mean near 100 (limit 1/min), with swings of +-15: t well below 3.
    const trend = growthTrend('heap', 'MB', series([100, 85, 115, 88, 118, 90, 120, 95]), memoryLimit);
    expect(trend.slopePerMinute).toBeGreaterThan(trend.limitPerMinute);
    expect(trend.tStatistic).toBeLessThan(3);
    expect(trend.verdict).toBe('unclear');
    expect(showsGrowth(trend)).toBe(false);
    const fit = fitLine(series([100, 85, 115, 88, 118, 90, 120, 95]));
    expect(trend.resolutionPerMinute).toBeCloseTo(Math.max(3 * fit.slopeStdError, fit.swing / 7), 10);
    expect(trend.resolutionPerMinute).toBeGreaterThan(trend.slopePerMinute);
  });

  /** RSS every 5 s for 8 minutes: a 300 MB tooth that rises over 7 minutes and falls in 1, plus a steady rise. */
  const teeth = (risePerMinute: number) =>
    Array.from({ length: 96 }, (_, i) => {
      const minute = i / 12;
      const phase = minute % 8;
      return { minute, value: 1_750 + risePerMinute * minute + (phase < 7 ? (phase / 7) * 300 : 300 * (8 - phase)) };
    });

  it('should not call a slow saw-tooth growth when the window starts at a trough, however significant its slope looks', () => {
    const trend = growthTrend('process RSS', 'MB', teeth(0), { kind: 'share-of-mean', perMinute: 0.005, why: 'test' });
    expect(trend.slopePerMinute).toBeGreaterThan(trend.limitPerMinute);
    expect(trend.tStatistic).toBeGreaterThan(3);
    expect((trend.slopePerMinute * 95) / 12).toBeLessThan(trend.swing);
    expect(trend.verdict).toBe('unclear');
    expect(showsGrowth(trend)).toBe(false);
    expect(trend.resolutionPerMinute).toBeCloseTo(trend.swing / (95 / 12), 10);
  });

  it('should call a leak growth once it rises past the teeth riding on it', () => {
    // 20 MB/min on the same teeth: a fitted rise of about 390 MB over the window against a 302 MB swing.
    const limit: GrowthLimit = { kind: 'share-of-mean', perMinute: 0.01, why: 'test' };
    expect(growthTrend('process RSS', 'MB', teeth(20), limit).verdict).toBe('grows');
    expect(growthTrend('process RSS', 'MB', teeth(60), limit).verdict).toBe('grows');
  });

  it('should still call a steady leak under small fast noise growth', () => {
    // 5 MB/min under +-10 MB of alternating noise: 40 MB over the window against a 20 MB swing.
    const points = Array.from({ length: 96 }, (_, i) => ({ minute: i / 12, value: 500 + (5 * i) / 12 + (i % 2 === 0 ? 10 : -10) }));
    expect(growthTrend('heap', 'MB', points, { kind: 'share-of-mean', perMinute: 0.005, why: 'test' }).verdict).toBe('grows');
  });

  it('should judge lag against an absolute limit, so a lag that stays near zero is flat', () => {
    expect(growthTrend('lag', 'records', series([0, 120, 0, 300, 40, 0, 90]), lagLimit).verdict).toBe('flat');
    const behind = growthTrend('lag', 'records', series([0, 1_000, 2_000, 3_000, 4_000]), lagLimit);
    expect(behind.verdict).toBe('grows');
    expect(behind.limitPerMinute).toBe(600);
  });

  it('should call a series that is zero throughout flat', () => {
    expect(growthTrend('parking lots', 'messages', series([0, 0, 0, 0]), { kind: 'share-of-mean', perMinute: 0.01, why: 'test' }).verdict).toBe('flat');
  });

  it('should refuse a verdict on fewer than three samples', () => {
    expect(growthTrend('rss', 'MB', series([100, 200]), memoryLimit).verdict).toBe('too few samples');
  });

  it('should use minutes, so samples every 15 s give the slope per minute', () => {
    const trend = growthTrend('rss', 'MB', series([100, 101, 102, 103, 104], 0.25), memoryLimit);
    expect(trend.slopePerMinute).toBeCloseTo(4, 10);
  });
});

describe('afterWarmUp', () => {
  it('should keep only the samples at or after the warm-up', () => {
    expect(afterWarmUp(series([1, 2, 3, 4]), 2).map((p) => p.value)).toEqual([3, 4]);
  });
});
