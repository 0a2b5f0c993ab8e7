import { describeWarmUp, STEADY_RULE, stoppedFalling, warmUntilSteady } from '../../../bench/steadyState';

describe('stoppedFalling', () => {
  it('should say steady once two passes set no new low more than 3% below every earlier pass', () => {
    // prepare: a measured warm-up of the workflow benchmark (CPU ms per order of 2,000-order passes)
    const measured = [5.65, 1.31, 1.15, 1.08, 0.93, 1.03, 0.94];

    // act
    const steadyAfter = measured.map((_, i) => stoppedFalling(measured.slice(0, i + 1)));

    // assess
    expect(steadyAfter).toEqual([false, false, false, false, false, false, true]);
  });

  it('should not end the warm-up on one noisy pass while the passes still fall', () => {
    // act
    const steady = stoppedFalling([2.0, 1.6, 1.9, 1.3]);

    // assess
    expect(steady).toBe(false);
  });

  it('should take a slow creep of 2.5% a pass as still falling', () => {
    // prepare
    const creeping = Array.from({ length: 10 }, (_, i) => 1.5 * 0.975 ** i);

    // act
    const steadyAt = creeping.map((_, i) => stoppedFalling(creeping.slice(0, i + 1)));

    // assess
    expect(steadyAt.some((steady) => steady)).toBe(false);
  });

  it('should take passes within 3% of the lowest, above or below, as steady', () => {
    // act
    const steady = [stoppedFalling([3, 1, 0.98, 0.975]), stoppedFalling([3, 1, 1.2, 1.1]), stoppedFalling([3, 1, 0.96, 1.0])];

    // assess
    expect(steady).toEqual([true, true, false]);
  });

  it('should never call fewer passes than the cold one and two after it steady', () => {
    // act
    const steady = [stoppedFalling([]), stoppedFalling([1]), stoppedFalling([1, 1])];

    // assess
    expect(steady).toEqual([false, false, false]);
  });
});

describe('warmUntilSteady', () => {
  it('should run passes until their costs stop falling and give every cost it saw', async () => {
    // prepare
    const costs = [4, 2, 1.5, 1.2, 1.21, 1.19, 0.5];
    let calls = 0;

    // act
    const warmUp = await warmUntilSteady(() => Promise.resolve(costs[calls++] ?? 0));

    // assess
    expect(warmUp.costs).toEqual([4, 2, 1.5, 1.2, 1.21, 1.19]);
    expect(warmUp.steady).toBe(true);
    expect(calls).toBe(6);
  });

  it('should stop at the pass limit and say it was still falling', async () => {
    // prepare
    let cost = 10;

    // act
    const warmUp = await warmUntilSteady(() => Promise.resolve((cost *= 0.9)));

    // assess
    expect(warmUp.costs).toHaveLength(STEADY_RULE.maxPasses);
    expect(warmUp.steady).toBe(false);
    expect(describeWarmUp(warmUp, 'ms/order', 2)).toMatch(/^15 passes \(\d+\.\d s; CPU 9\.00, 8\.10, .* ms\/order\), still falling when the pass limit ended it$/);
  });
});
