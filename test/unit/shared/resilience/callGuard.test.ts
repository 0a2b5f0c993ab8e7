import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import { CallGuard, type GuardState } from '../../../../shared/resilience/callGuard';

const settings = { failures: 2, halfOpenAfterMs: 60, maxConcurrent: 2, maxQueued: 2 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const down = () => Promise.reject(new Error('down'));
class Denied extends Error {}
const counts = (error: unknown) => !(error instanceof Denied);

describe('CallGuard', () => {
  it('should open after consecutive failures only, a success in between starting the count again', async () => {
    const states: GuardState[] = [];
    const guard = new CallGuard(settings, counts, (state) => states.push(state));
    await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    await expect(guard.execute(() => Promise.resolve(1), 1_000)).resolves.toBe(1);
    await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    expect(guard.state).toBe('closed');
    await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    expect(guard.state).toBe('open');
    expect(states).toEqual(['open']);
  });

  it('should neither count nor reset on an error it is told not to count (a permission error)', async () => {
    const guard = new CallGuard(settings, counts);
    await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    for (let i = 0; i < 5; i++) await expect(guard.execute(() => Promise.reject(new Denied('NOPERM')), 1_000)).rejects.toBeInstanceOf(Denied);
    expect(guard.state).toBe('closed');
    // Still one failure counted from before: the next one opens.
    await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    expect(guard.state).toBe('open');
  });

  it('should open again when the trial call fails, refusing until the next pause is over', async () => {
    const states: GuardState[] = [];
    const guard = new CallGuard(settings, counts, (state) => states.push(state));
    for (let i = 0; i < 2; i++) await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    await sleep(70);
    await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    expect(guard.state).toBe('open');
    let tried = false;
    await expect(guard.execute(() => ((tried = true), Promise.resolve(1)), 1_000)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(tried).toBe(false);
    await sleep(70);
    await expect(guard.execute(() => Promise.resolve('ok'), 1_000)).resolves.toBe('ok');
    expect(states).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('should let one trial call through while half-open and run the calls that came meanwhile once it closed', async () => {
    const guard = new CallGuard(settings, counts);
    for (let i = 0; i < 2; i++) await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    await sleep(70);
    const order: string[] = [];
    const trial = guard.execute(async () => {
      order.push('trial start');
      await sleep(30);
      order.push('trial end');
      return 'trial';
    }, 1_000);
    expect(guard.state).toBe('half-open');
    const waiting = guard.execute(() => (order.push('waiting ran'), Promise.resolve('waited')), 1_000);
    await expect(Promise.all([trial, waiting])).resolves.toEqual(['trial', 'waited']);
    expect(order).toEqual(['trial start', 'trial end', 'waiting ran']);
  });

  it('should refuse the calls that came during a failed trial without running them', async () => {
    const guard = new CallGuard(settings, counts);
    for (let i = 0; i < 2; i++) await expect(guard.execute(down, 1_000)).rejects.toThrow('down');
    await sleep(70);
    const trial = guard.execute(() => sleep(20).then(down), 1_000);
    let ran = false;
    const waiting = guard.execute(() => ((ran = true), Promise.resolve(1)), 1_000);
    await expect(trial).rejects.toThrow('down');
    await expect(waiting).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(ran).toBe(false);
  });

  it('should cut a call short at its timeout, abort its signal, and count the timeout towards opening', async () => {
    const guard = new CallGuard(settings, counts);
    let signal: AbortSignal | undefined;
    const slow = (given?: AbortSignal) => ((signal = given), sleep(500));
    const started = Date.now();
    await expect(guard.execute(slow, 40)).rejects.toEqual(new TaskCancelledError('Operation timed out after 40ms'));
    expect(Date.now() - started).toBeLessThan(400);
    expect(signal?.aborted).toBe(true);
    await expect(guard.execute(slow, 40)).rejects.toBeInstanceOf(TaskCancelledError);
    expect(guard.state).toBe('open');
  });

  it('should not abort the signal of a call that answered in time', async () => {
    const guard = new CallGuard(settings, counts);
    let signal: AbortSignal | undefined;
    await expect(guard.execute((given) => ((signal = given), Promise.resolve(1)), 1_000)).resolves.toBe(1);
    expect(signal?.aborted).toBe(false);
  });

  it('should make no AbortController for a call that takes no signal, and still cut it short at its timeout and count it', async () => {
    const guard = new CallGuard(settings, counts);
    const Original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class Counted extends Original {
      constructor() {
        super();
        made++;
      }
    };
    try {
      await expect(guard.execute(() => Promise.resolve(2), 1_000)).resolves.toBe(2);
      await expect(guard.execute(() => sleep(500), 40)).rejects.toEqual(new TaskCancelledError('Operation timed out after 40ms'));
      await expect(guard.execute(() => sleep(500), 40)).rejects.toBeInstanceOf(TaskCancelledError);
      expect(made).toBe(0);
      expect(guard.state).toBe('open');
      // A call that declares its signal still gets one (and the count sees it made).
      const other = new CallGuard(settings, counts);
      await other.execute((signal) => Promise.resolve(signal?.aborted), 1_000);
      expect(made).toBe(1);
    } finally {
      globalThis.AbortController = Original;
    }
  });

  it('should treat a call that throws before returning its promise as a failed call', async () => {
    const guard = new CallGuard(settings, counts);
    const throws = (): Promise<never> => {
      throw new Error('sync');
    };
    await expect(guard.execute(throws, 1_000)).rejects.toThrow('sync');
    await expect(guard.execute(throws, 1_000)).rejects.toThrow('sync');
    expect(guard.state).toBe('open');
  });

  it('should queue calls past its slots in arrival order, refuse past its queue, and time a queued call from when it starts', async () => {
    const guard = new CallGuard({ ...settings, maxConcurrent: 1, maxQueued: 2 }, counts);
    const order: number[] = [];
    // Each call takes 60 ms with a 100 ms timeout: the third starts 120 ms after it was made and still answers.
    const call = (n: number) => guard.execute(() => sleep(60).then(() => (order.push(n), n)), 100);
    const results = await Promise.allSettled([call(1), call(2), call(3), call(4)]);
    expect(results.slice(0, 3)).toEqual([1, 2, 3].map((value) => ({ status: 'fulfilled', value })));
    expect(results[3]).toMatchObject({ status: 'rejected', reason: expect.any(BulkheadRejectedError) });
    expect(order).toEqual([1, 2, 3]);
    // The slots and the queue are free again.
    await expect(Promise.all([call(5), call(6), call(7)])).resolves.toEqual([5, 6, 7]);
  });

  it('should free a slot when a call fails, so the queue keeps moving', async () => {
    const guard = new CallGuard({ ...settings, failures: 100, maxConcurrent: 1, maxQueued: 3 }, counts);
    const results = await Promise.allSettled([guard.execute(down, 100), guard.execute(down, 100), guard.execute(() => Promise.resolve('ok'), 100)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});

/**
 * The same scripted calls, one after another, through CallGuard and through the cockatiel policies it
 * replaced (wrap(bulkhead, circuitBreaker(ConsecutiveBreaker), timeout(Aggressive))): every call must
 * end the same way (its value, or the same error class and message) and the breaker go through the
 * same states.
 */
describe('CallGuard against the cockatiel policies it replaced', () => {
  type Step = 'ok' | 'fail' | 'denied' | 'slow' | 'wait';
  const HALF_OPEN_MS = 200;
  const TIMEOUT_MS = 20;
  // A fixed pseudo-random script (LCG), weighted towards failures so the breaker opens and half-opens often.
  const script: Step[] = [];
  let seed = 17;
  for (let i = 0; i < 70; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    script.push((['ok', 'fail', 'fail', 'denied', 'slow', 'wait', 'ok', 'fail'] as const)[(seed >>> 16) % 8] as Step);
  }
  const callOf = (step: Step) => async (): Promise<string> => {
    if (step === 'fail') throw new Error('down');
    if (step === 'denied') throw new Denied('NOPERM');
    if (step === 'slow') await sleep(150);
    return step;
  };
  const outcome = async (run: () => Promise<string>): Promise<string> => {
    try {
      return `value ${await run()}`;
    } catch (error) {
      return `${(error as Error).constructor.name}: ${(error as Error).message}`;
    }
  };

  it('should end every call of the script as cockatiel did, through the same breaker states', async () => {
    const { bulkhead, circuitBreaker, ConsecutiveBreaker, handleWhen, timeout, TimeoutStrategy, wrap } = await import('cockatiel');
    const breaker = circuitBreaker(
      handleWhen((error) => counts(error)),
      { halfOpenAfter: HALF_OPEN_MS, breaker: new ConsecutiveBreaker(3) },
    );
    const policy = wrap(bulkhead(2, 2), breaker, timeout(TIMEOUT_MS, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }));
    const theirStates: string[] = [];
    breaker.onStateChange((state) => theirStates.push(['closed', 'open', 'half-open', 'isolated'][state] ?? String(state)));
    const ourStates: GuardState[] = [];
    const guard = new CallGuard({ failures: 3, halfOpenAfterMs: HALF_OPEN_MS, maxConcurrent: 2, maxQueued: 2 }, counts, (state) => ourStates.push(state));

    const theirs: string[] = [];
    for (const step of script) {
      if (step === 'wait') await sleep(HALF_OPEN_MS + 60);
      else theirs.push(await outcome(() => policy.execute(callOf(step), new AbortController().signal)));
    }
    const ours: string[] = [];
    for (const step of script) {
      if (step === 'wait') await sleep(HALF_OPEN_MS + 60);
      else ours.push(await outcome(() => guard.execute(callOf(step), TIMEOUT_MS)));
    }

    expect(ours).toEqual(theirs);
    expect(ourStates).toEqual(theirStates);
    // The script did reach every state and every kind of ending.
    expect(new Set(ourStates)).toEqual(new Set(['open', 'half-open', 'closed']));
    expect(theirs.some((o) => o.startsWith('BrokenCircuitError'))).toBe(true);
    expect(theirs.some((o) => o.startsWith('TaskCancelledError'))).toBe(true);
  }, 30_000);
});
