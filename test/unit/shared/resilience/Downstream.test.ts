import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { Downstream, isRefused, isUnavailable } from '../../../../shared/resilience/downstream';
import { runWithDeadline } from '../../../../shared/resilience/invocationDeadline';

const settings = { timeoutMs: 200, failures: 3, halfOpenAfterMs: 100, maxConcurrent: 2, maxQueued: 1 };
const fail = () => Promise.reject(new Error('down'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Downstream', () => {
  it('should open after consecutive failures, refuse at once, then close after a successful trial call', async () => {
    const kafka = new Downstream('kafka', settings);
    for (let i = 0; i < 3; i++) await expect(kafka.call(fail)).rejects.toThrow('down');
    expect(kafka.status().state).toBe('open');
    // Refused without being tried: the call never runs.
    let tried = false;
    await expect(kafka.call(() => ((tried = true), Promise.resolve('never called')))).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(tried).toBe(false);
    await sleep(120);
    await expect(kafka.call(() => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(kafka.status()).toMatchObject({ state: 'closed', failures: 3, refused: 1, calls: 5 });
  });

  it('should cut a call short at its timeout', async () => {
    const redis = new Downstream('redis', settings);
    await expect(redis.call(() => sleep(1_000))).rejects.toBeInstanceOf(TaskCancelledError);
    expect(redis.status().timeouts).toBe(1);
  });

  // With a one-minute timeout, only the invocation's deadline (300 ms left minus the 250 ms safety
  // margin) can end this call before the test's own 10 s limit.
  it('should cut a call sooner when the invocation has less time left than the timeout', async () => {
    const redis = new Downstream('redis', { ...settings, timeoutMs: 60_000 });
    await expect(runWithDeadline(300, () => redis.call(() => sleep(60_000)))).rejects.toBeInstanceOf(TaskCancelledError);
    expect(redis.status().timeouts).toBe(1);
  }, 10_000);

  it('should refuse calls past its concurrency and queue limits instead of queueing without bound', async () => {
    const payment = new Downstream('payment', { ...settings, timeoutMs: 1_000 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => payment.call(() => sleep(50))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => r.reason instanceof BulkheadRejectedError)).toBe(true);
    expect(payment.status().refused).toBe(2);
  });

  it('should tell unavailability apart from other errors', () => {
    expect(isUnavailable(new BrokenCircuitError())).toBe(true);
    expect(isUnavailable(new TaskCancelledError())).toBe(true);
    expect(isRefused(new TaskCancelledError())).toBe(false);
    expect(isUnavailable(new Error('WRONGTYPE'))).toBe(false);
  });
});
