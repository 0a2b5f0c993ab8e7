import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { functionStatuses, type FunctionStatus } from '../../shared/observability/functionStats';
import { queueTraffic } from '../../shared/observability/queueTraffic';
import { downstreamStatuses, type DownstreamStatus } from '../../shared/resilience/downstream';
import { retryBudgetStatus, type RetryBudgetStatus } from '../../shared/resilience/RetryBudget';

/**
 * What the ops view reads from one function's process state: its invocation figures, its breakers,
 * its retry budget and the messages it published. Each function's worker answers with these when the
 * runtime asks (emulator/runtime/functionHost), as each Lambda function's containers report their own.
 */
export interface ProcessFigures {
  functions: FunctionStatus[];
  breakers: DownstreamStatus[];
  retries: RetryBudgetStatus | undefined;
  published: Record<string, number>;
  memory: IsolateMemory;
}

/**
 * One V8 isolate's own memory, in bytes, as process.memoryUsage() reports it from the thread that asks:
 * heapUsed / heapTotal are that isolate's JavaScript heap (live objects / what V8 reserved for them),
 * external the off-heap memory its objects hold (Buffers, ArrayBuffers; arrayBuffers is the part that
 * is ArrayBuffers). A worker thread's figures are its own; what they leave out is native memory no
 * isolate accounts for (thread stacks, libuv, sockets' kernel buffers, malloc slack), which only shows
 * in the process RSS that every worker shares (https://nodejs.org/api/process.html#processmemoryusage).
 */
export interface IsolateMemory {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /**
   * Heap used just after the isolate's last full (mark-sweep) collection: its live objects, without the
   * garbage heapUsed also counts until the next collection. A leak shows as this floor rising; heapUsed
   * alone saw-tooths, and climbs for minutes in a quiet worker that rarely collects. Absent until the
   * first full collection (watchFullCollections must run in that thread).
   */
  heapAfterFullGc?: number;
}

let afterFullGc: number | undefined;
/** A `gc` entry's detail says which collection it was; the typings of Node 20 do not declare it. */
const isFullCollection = (entry: object): boolean =>
  'detail' in entry && typeof entry.detail === 'object' && entry.detail !== null && 'kind' in entry.detail && entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
let watcher: PerformanceObserver | undefined;

/**
 * Notes the heap after each full collection of this thread's isolate (a `gc` performance entry of kind
 * major, https://nodejs.org/api/perf_hooks.html#garbage-collection-gc-details): one callback per full
 * collection, which are seconds to minutes apart. Keeps no handle open, so it never holds a thread alive.
 */
export function watchFullCollections(): void {
  if (watcher !== undefined) return;
  watcher = new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => isFullCollection(entry))) afterFullGc = getHeapStatistics().used_heap_size;
  });
  watcher.observe({ entryTypes: ['gc'] });
}

export function isolateMemory(usage: NodeJS.MemoryUsage = process.memoryUsage(), heapAfterFullGc = afterFullGc): IsolateMemory {
  return {
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    ...(heapAfterFullGc === undefined ? {} : { heapAfterFullGc }),
  };
}

export const processFigures = (): ProcessFigures => ({
  functions: functionStatuses(),
  breakers: downstreamStatuses(),
  retries: retryBudgetStatus(),
  published: queueTraffic().published,
  memory: isolateMemory(),
});

/** A function's figures, named: the ops view lists breakers and budgets per function. */
export interface FunctionFigures extends ProcessFigures {
  function: string;
}
