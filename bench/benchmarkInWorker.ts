import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { raiseNewSpaceFloor, workerResourceLimits } from '../emulator/runtime/workerResourceLimits';
import type { Trigger } from '../shared/routes/functionCatalog';
import { BENCH_RUN_NAMES, type BenchRunNames } from './benchEnvironment';
import type { BenchmarkResult } from './benchmarkResult';

export interface BenchmarkWorkerData {
  /** The benchmark's module (an absolute path) and the function it exports. */
  module: string;
  exportName: string;
  benchRunNames: BenchRunNames;
}

export type BenchmarkWorkerReply = { result: BenchmarkResult; error?: undefined } | { error: string; result?: undefined };

const WORKER_ENTRY = join(__dirname, 'benchmarkWorker.cjs');
/** After its reply, the worker has closed its clients; one that is still running after this is terminated. */
const EXIT_GRACE_MS = 10_000;

/**
 * Runs a benchmark in a worker thread with the heap limits the local runtime gives the functions it
 * plays (workerResourceLimits.ts: a batch function's worker has a young generation of up to 128 MB
 * and the raised new-space floor, where this process's main thread has V8's default), so a benchmark
 * that plays a function in its own thread measures it as the runtime runs it. Its baseline runs in the
 * same thread, on the same heap. The run's names and environment go with it (benchEnvironment.ts).
 */
export async function benchmarkInWorker(module: string, exportName: string, trigger: Trigger['kind']): Promise<BenchmarkResult> {
  raiseNewSpaceFloor();
  const data: BenchmarkWorkerData = { module, exportName, benchRunNames: BENCH_RUN_NAMES };
  // The environment as this thread has it now (the run's Kafka, its namespace), passed on explicitly.
  const worker = new Worker(WORKER_ENTRY, { workerData: data, env: { ...process.env }, resourceLimits: workerResourceLimits(trigger) });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const reply = await new Promise<BenchmarkWorkerReply>((resolve, reject) => {
    worker.once('message', (message: BenchmarkWorkerReply) => resolve(message));
    worker.once('error', reject);
    void exited.then((code) => reject(new Error(`the benchmark's worker (${module}) exited (code ${code}) before it replied`)));
  });
  const grace = setTimeout(() => void worker.terminate(), EXIT_GRACE_MS);
  await exited;
  clearTimeout(grace);
  if (reply.error !== undefined) throw new Error(`${exportName} (in its worker thread): ${reply.error}`);
  return reply.result;
}
