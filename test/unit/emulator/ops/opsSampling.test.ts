import { OPS_SAMPLING_PACE, sampleTooOldToServe, samplingDue } from '../../../../emulator/ops/opsSampling';

const pace = { intervalMs: 1_000, idleIntervalMs: 15_000, watchMs: 30_000, freshWaitMs: 2_000 };

describe('samplingDue', () => {
  it('should sample on every tick while the view was read within watchMs', () => {
    expect(samplingDue(100_000, 99_000, 100_000 - 29_999, pace)).toBe(true);
    expect(samplingDue(100_000, 99_400, 99_000, pace)).toBe(true);
  });

  it('should sample only once idleIntervalMs passed (less half a tick) while nobody read the view', () => {
    const lastRead = 100_000 - 30_000;
    expect(samplingDue(100_000, 100_000 - 14_000, lastRead, pace)).toBe(false);
    expect(samplingDue(100_000, 100_000 - 14_499, lastRead, pace)).toBe(false);
    expect(samplingDue(100_000, 100_000 - 14_500, lastRead, pace)).toBe(true);
    // Never read since the runtime started.
    expect(samplingDue(100_000, 100_000 - 1_000, -Infinity, pace)).toBe(false);
  });
});

describe('sampleTooOldToServe', () => {
  it('should serve a sample a watched view would have, and wait for a new one past two intervals', () => {
    expect(sampleTooOldToServe(10_000, 8_000, pace)).toBe(false);
    expect(sampleTooOldToServe(10_000, 7_999, pace)).toBe(true);
  });

  it('should sample each second while read, as the page polls each second', () => {
    expect(OPS_SAMPLING_PACE.intervalMs).toBe(1_000);
    expect(OPS_SAMPLING_PACE.watchMs).toBeGreaterThan(OPS_SAMPLING_PACE.intervalMs);
    // The five-minute chart still gets points while nobody looks.
    expect(OPS_SAMPLING_PACE.idleIntervalMs).toBeLessThan(300_000 / 10);
  });
});
