import { join } from 'node:path';
import { lambdaContext } from './lambdaContext';
import { receivedEvent } from './eventJson';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';

/** Invokes a function with an event, or with an EventJson holding the event's JSON text (an MSK mapping's). */
export type Invoke = (event: unknown) => Promise<unknown>;

export class FunctionTimeoutError extends Error {
  constructor(name: string, seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds (${name})`);
    this.name = 'FunctionTimeoutError';
  }
}

/**
 * Loads a function's handler once (module scope runs once, as in a warm Lambda) and returns an invoker
 * that gives each call a fresh context and fails it, as Lambda does, when it outlives the timeout. An
 * EventJson is parsed first, as the function's worker parses the text it is sent.
 */
export function loadFunction(projectRoot: string, fn: FunctionRoute, functionName: string): Invoke {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(projectRoot, fn.modulePath)) as Record<string, unknown>;
  const handler = mod[fn.exportName];
  if (typeof handler !== 'function') throw new Error(`${fn.modulePath} has no exported function ${fn.exportName}`);
  return async (event) => {
    const context = lambdaContext(functionName, fn.timeoutSeconds, fn.memoryMb);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(functionName, fn.timeoutSeconds)), fn.timeoutSeconds * 1000);
    });
    try {
      return await Promise.race([Promise.resolve((handler as (e: unknown, c: unknown) => unknown)(receivedEvent(event), context)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
