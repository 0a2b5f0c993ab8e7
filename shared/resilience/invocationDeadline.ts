import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The invocation the current code runs in: its deadline, so a call deep in a client can size its
 * timeout from the function's remaining time without every signature carrying a context.
 */
const invocations = new AsyncLocalStorage<{ deadline: number }>();

export function runWithDeadline<T>(remainingMs: number, fn: () => T): T {
  return invocations.run({ deadline: Date.now() + remainingMs }, fn);
}

/** Milliseconds left in the current invocation, or undefined outside one (a CLI, a test). */
export function remainingMs(): number | undefined {
  const store = invocations.getStore();
  return store === undefined ? undefined : store.deadline - Date.now();
}
