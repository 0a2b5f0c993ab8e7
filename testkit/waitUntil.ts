import { inspect } from 'node:util';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; every wait of the tests,
 * the fault suite and the benchmarks goes through here, so none can hang. A probe that throws counts as
 * "not yet" (a server still starting refuses connections). Returns undefined on timeout: callers decide
 * whether a timeout is a failure of the system (an order never final) or of the harness.
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, pollMs = 200): Promise<T | undefined> {
  return (await poll(probe, timeoutMs, pollMs)).value;
}

/** Like waitUntil, but a timeout is an error naming what did not happen (and the probe's last error, if it threw). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, pollMs = 200): Promise<T> {
  const { value, lastError } = await poll(probe, timeoutMs, pollMs);
  if (value === undefined) {
    const cause = lastError === undefined ? '' : ` (last probe failed: ${lastError instanceof Error ? lastError.message : typeof lastError === 'string' ? lastError : inspect(lastError)})`;
    throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${cause}`, lastError === undefined ? undefined : { cause: lastError });
  }
  return value;
}

async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, pollMs: number): Promise<{ value: T | undefined; lastError: unknown }> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const value = await probe().then(
      (answer) => {
        lastError = undefined;
        return answer;
      },
      (error: unknown) => {
        lastError = error;
        return undefined;
      },
    );
    if (value !== undefined) return { value, lastError: undefined };
    if (Date.now() >= deadline) return { value: undefined, lastError };
    await sleep(pollMs);
  }
}

export interface ProgressWait {
  /** Longest the wait may take in all. */
  maxMs: number;
  /** Gives up earlier when the probe's progress marker has not changed for this long: the system is stuck. */
  stallMs: number;
  pollMs?: number;
}

/**
 * Polls until `probe` says done, its progress marker stops changing for `stallMs`, or `maxMs` passes.
 * A stuck consumer is told apart from a slow one this way without waiting out a long fixed timeout
 * (the longest legitimate quiet spell is a batch retry's 10 s backoff or an 8 s delay queue).
 * Returns whether it finished and how long it took.
 */
export async function waitForProgress(probe: () => Promise<{ done: boolean; progress: string }>, wait: ProgressWait): Promise<{ done: boolean; ms: number; stalled: boolean }> {
  const started = Date.now();
  let marker: string | undefined;
  let changedAt = started;
  for (;;) {
    const reading = await probe().catch(() => ({ done: false, progress: marker ?? '' }));
    if (reading.done) return { done: true, ms: Date.now() - started, stalled: false };
    if (reading.progress !== marker) {
      marker = reading.progress;
      changedAt = Date.now();
    }
    if (Date.now() - changedAt >= wait.stallMs) return { done: false, ms: Date.now() - started, stalled: true };
    if (Date.now() - started >= wait.maxMs) return { done: false, ms: Date.now() - started, stalled: false };
    await sleep(wait.pollMs ?? 500);
  }
}
