import { RetryBudget } from '../../../../shared/resilience/RetryBudget';

describe('RetryBudget', () => {
  it('should allow retries up to the minimum plus a share of the traffic in the window', () => {
    const budget = new RetryBudget({ ratio: 0.2, windowMs: 10_000, minPerWindow: 2 });
    for (let i = 0; i < 50; i++) budget.recordRequest(1_000);
    const granted = Array.from({ length: 20 }, () => budget.tryRetry(1_000)).filter(Boolean).length;
    expect(granted).toBe(12);
    expect(budget.status()).toMatchObject({ requests: 50, retries: 12, overBudget: 8 });
  });

  it('should give the budget back once the window has passed', () => {
    const budget = new RetryBudget({ ratio: 0, windowMs: 1_000, minPerWindow: 1 });
    expect(budget.tryRetry(0)).toBe(true);
    expect(budget.tryRetry(500)).toBe(false);
    expect(budget.tryRetry(1_001)).toBe(true);
  });
});
