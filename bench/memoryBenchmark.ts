import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { newEventId } from '../shared/envelope/eventId';
import { projectionKeys } from '../shared/state/projectionKeys';
import { memoryStatus, type MemoryStatus } from '../emulator/ops/collectOpsStatus';
import { readServerlessWiring } from '../emulator/runtime/serverlessFunctions';
import { PROJECT_ROOT } from '../emulator/services/localPaths';
import { BENCH_HEADERS, BENCH_NAMESPACE } from './benchEnvironment';
import { ratioOf, type BenchmarkResult, type ResultRow } from './benchmarkResult';
import { benchRedis } from './benchRedis';
import { benchRuntime, waitForCatchUp } from './benchRuntime';
import { RUN_ID } from './benchRun';
import { sleep } from '../testkit/waitUntil';

const MB = 1024 * 1024;
const ORDER_TIMEOUT_MS = 30_000;

/** What a worker thread with nothing loaded holds: the floor every function's worker starts from. */
function bareWorkerMemory(): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve, reject) => {
    const worker = new Worker("require('node:worker_threads').parentPort.postMessage(process.memoryUsage())", { eval: true });
    worker.once('message', (usage: NodeJS.MemoryUsage) => {
      resolve(usage);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** A Node process with nothing loaded, for scale beside the runtime's RSS. */
const bareNodeRss = (): number => Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage().rss))'], { encoding: 'utf8' }));

/**
 * Starts every function's worker that the benchmarks before did not: one event of each kind the
 * consumers read and an order through the whole saga, then one GET of every read route (any answer
 * but a 5xx will do: a 404 still loads the handler). A function's worker starts on its first
 * invocation, so without this the table would list only the functions the earlier benchmarks used.
 */
async function invokeEveryFunction(url: string): Promise<void> {
  const orderId = `mem-${RUN_ID}`;
  const events = [
    { type: 'score.recorded', id: newEventId(), data: { board: `mem-${RUN_ID}`, userId: 'u-mem', points: 1 } },
    { type: 'page.viewed', id: newEventId(), data: { userId: 'u-mem', path: '/memory' } },
    { type: 'session.started', id: newEventId(), data: { sessionId: `mem-${RUN_ID}`, userId: 'u-mem', ttlSeconds: 60 } },
    { type: 'flag.set', id: newEventId(), data: { name: `mem-${RUN_ID}`, enabled: true, rollout: 50 } },
    { type: 'order.placed', id: newEventId(), data: { orderId, userId: 'u-mem', amount: 1_000, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'book-1', qty: 1 }] } },
  ];
  const posted = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...BENCH_HEADERS }, body: JSON.stringify({ events }) });
  if (posted.status !== 202) throw new Error(`memory: POST /events answered ${posted.status}: ${await posted.text()}`);
  await waitForCatchUp();
  const redis = benchRedis();
  try {
    const keys = await projectionKeys(redis, BENCH_NAMESPACE, 'orders');
    const deadline = performance.now() + ORDER_TIMEOUT_MS;
    while ((await redis.hexists(keys.order(orderId), 'step:order.completed')) !== 1) {
      if (performance.now() > deadline) throw new Error(`memory: order ${orderId} not completed after ${ORDER_TIMEOUT_MS / 1000} s`);
      await sleep(100);
    }
  } finally {
    redis.disconnect();
  }
  for (const fn of readServerlessWiring(PROJECT_ROOT).functions) {
    if (fn.trigger.kind !== 'http' || fn.trigger.method !== 'GET') continue;
    const path = fn.trigger.path.replace(/\{[^}]+\}/g, `mem-${RUN_ID}`);
    const answer = await fetch(`${url}${path}`, { headers: BENCH_HEADERS });
    await answer.arrayBuffer();
    if (answer.status >= 500) throw new Error(`memory: GET ${path} answered ${answer.status}`);
  }
}

const mb = (bytes: number): number => bytes / MB;

/** The rows: the process RSS, the runtime thread's heap, then each worker's heap, largest first. */
export function memoryRows(memory: MemoryStatus, bareRss: number, bareWorkerHeap: number): ResultRow[] {
  const workers = [...memory.workers].sort((a, b) => b.heapUsed - a.heapUsed);
  const total = workers.reduce((sum, w) => sum + w.heapUsed, 0);
  return [
    {
      figure: "process RSS (the runtime's thread, every function's worker, and the benchmark's own clients: one process)",
      value: mb(memory.rss),
      unit: 'MB',
      baseline: mb(bareRss),
      baselineLabel: 'a Node process with nothing loaded',
      ratio: ratioOf(memory.rss, bareRss),
      better: 'lower',
      aim: 'printed',
    },
    { figure: "runtime thread heap used (HTTP server, event source mappings, ops view; the benchmark's code shares it)", value: mb(memory.heapUsed), unit: 'MB', better: 'lower', aim: '' },
    {
      figure: `every worker's heap used, summed (${workers.length} workers)`,
      value: mb(total),
      unit: 'MB',
      baseline: mb(bareWorkerHeap * workers.length),
      baselineLabel: 'as many worker threads with nothing loaded',
      ratio: ratioOf(total, bareWorkerHeap * workers.length),
      better: 'lower',
      aim: '',
    },
    ...workers.map((w): ResultRow => ({
      figure: `worker heap used: ${w.function.replace(/^.*-local-/, '')} (${w.heapAfterFullGc === undefined ? 'no full GC yet' : `${mb(w.heapAfterFullGc).toFixed(1)} MB after its last full GC`}, heap total ${mb(w.heapTotal).toFixed(1)} MB, external ${mb(w.external).toFixed(1)} MB)`,
      value: mb(w.heapUsed),
      unit: 'MB',
      baseline: mb(bareWorkerHeap),
      baselineLabel: 'a worker thread with nothing loaded',
      ratio: ratioOf(w.heapUsed, bareWorkerHeap),
      better: 'lower',
      aim: '',
    })),
  ];
}

/**
 * Memory after the benchmarks: the RSS of the process the local runtime runs in, and each function
 * worker's own heap as it reports it (emulator/ops/processFigures: worker threads share the RSS, so a
 * worker's own figure is its isolate's heap). Runs after the benchmarks that drive the runtime (read,
 * freshness, workflow) and before ingest, which stops it.
 */
export async function memoryBenchmark(): Promise<BenchmarkResult> {
  const started = performance.now();
  const rt = await benchRuntime();
  await invokeEveryFunction(rt.runtime.url);
  const memory = memoryStatus(process.memoryUsage(), await rt.runtime.functionFigures());
  const bareWorker = await bareWorkerMemory();
  const bareRss = bareNodeRss();
  const functions = readServerlessWiring(PROJECT_ROOT).functions.length;
  return {
    name: 'memory',
    measuredAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    rows: memoryRows(memory, bareRss, bareWorker.heapUsed),
    latencySeries: [],
    notes: [
      `after the benchmarks before it in this run, then one event of each kind, one order through the saga and one GET of every read route, so every function's worker runs (${memory.workers.length} of ${functions} functions have one; a worker starts on its first invocation). ` +
        `RSS is the whole benchmark process: the runtime and its workers share it with the benchmarks' own clients and baselines, so it is an upper bound on the runtime's. ` +
        "A worker's figure is its own V8 heap (process.memoryUsage() in that thread: heapUsed of heapTotal, plus external); native memory outside any isolate (thread stacks, libuv, socket buffers) shows only in the RSS. " +
        `Bare worker thread: heap used ${mb(bareWorker.heapUsed).toFixed(1)} MB of ${mb(bareWorker.heapTotal).toFixed(1)} MB. The same figures are on /ops/status (memory). Growth over time: \`npm run bench -- soak\`.`,
    ],
    details: { memory, bareWorker, bareRss },
  };
}
