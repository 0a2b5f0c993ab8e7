/**
 * Rejects if `work` has not settled within `ms`: a step that can hang (a replay, a restart, a benchmark
 * pass) cannot hang the fault suite or the benchmark run. `what` may be a function, read at the timeout,
 * so the message says how far the work got.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${typeof what === 'function' ? what() : what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
