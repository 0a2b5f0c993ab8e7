import { readServerlessWiring } from '../emulator/runtime/serverlessFunctions';
import type { FunctionRoute } from '../shared/routes/functionCatalog';
import { PROJECT_ROOT } from '../emulator/services/localPaths';

/** One id per benchmark process: topics, consumer groups, boards and queues of a run never meet another run's. */
export const RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;

/** A function as serverless.yml declares it: the benchmarks run what deploys, with its batch sizes. */
export function wiredFunction(key: string): FunctionRoute {
  const fn = readServerlessWiring(PROJECT_ROOT).functions.find((f) => f.key === key);
  if (fn === undefined) throw new Error(`serverless.yml has no function ${key}`);
  return fn;
}

/** A promise with its resolve and reject at hand, for "resolve when the last record is applied". */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const runStarted = performance.now();

/** A progress line on stderr, so a long step shows it is alive without cluttering the results on stdout. */
export function progress(line: string): void {
  process.stderr.write(`[bench ${((performance.now() - runStarted) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
}
