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
}

export function isolateMemory(usage: NodeJS.MemoryUsage = process.memoryUsage()): IsolateMemory {
  return { heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers };
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
