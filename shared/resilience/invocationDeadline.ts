import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The deadline of the invocation the current code runs in, so a call deep in a client can size its
 * timeout from the function's remaining time without every signature carrying a context.
 */
const deadlines = new AsyncLocalStorage<{ deadline: number }>();

export function runWithDeadline<T>(remainingMs: number, fn: () => T): T {
  return deadlines.run({ deadline: Date.now() + remainingMs }, fn);
}

/** Milliseconds left in the current invocation, or undefined outside one (a CLI, a test). */
export function remainingMs(): number | undefined {
  const store = deadlines.getStore();
  return store === undefined ? undefined : store.deadline - Date.now();
}
