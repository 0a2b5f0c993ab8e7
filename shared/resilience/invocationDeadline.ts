import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The invocation the current code runs in: its deadline, so a call deep in a client can size its
 * timeout from the function's remaining time without every signature carrying a context, and what
 * is read once per invocation (oncePerInvocation).
 */
const invocations = new AsyncLocalStorage<{ deadline: number; kept: Map<symbol, unknown> }>();

export function runWithDeadline<T>(remainingMs: number, fn: () => T): T {
  return invocations.run({ deadline: Date.now() + remainingMs, kept: new Map() }, fn);
}

/** Milliseconds left in the current invocation, or undefined outside one (a CLI, a test). */
export function remainingMs(): number | undefined {
  const store = invocations.getStore();
  return store === undefined ? undefined : store.deadline - Date.now();
}

/**
 * `compute()` once per invocation, its value kept under `slot` until the invocation ends; outside an
 * invocation every call computes. A thrown error is not kept.
 */
export function oncePerInvocation<T>(slot: symbol, compute: () => T): T {
  const store = invocations.getStore();
  if (store === undefined) return compute();
  if (store.kept.has(slot)) return store.kept.get(slot) as T;
  const value = compute();
  store.kept.set(slot, value);
  return value;
}
