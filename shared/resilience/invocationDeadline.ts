import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The invocation the current code runs in: its deadline, so a call deep in a client can size its
 * timeout from the function's remaining time, and its function's name, so each function keeps
 * downstream guards of its own (shared/resilience/downstream) without every signature carrying a
 * context.
 */
const invocations = new AsyncLocalStorage<{ deadline: number; functionName: string }>();

export function runWithDeadline<T>(remainingMs: number, fn: () => T, functionName = ''): T {
  return invocations.run({ deadline: Date.now() + remainingMs, functionName }, fn);
}

/** Milliseconds left in the current invocation, or undefined outside one (a CLI, a test). */
export function remainingMs(): number | undefined {
  const store = invocations.getStore();
  return store === undefined ? undefined : store.deadline - Date.now();
}

/** The function the current invocation belongs to, or '' outside one. */
export const currentFunctionName = (): string => invocations.getStore()?.functionName ?? '';
