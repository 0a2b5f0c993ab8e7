import './benchEnvironment';
import { parentPort, workerData } from 'node:worker_threads';
import { closeRedisClient } from '../shared/clients/redisClient';
import { closeSharedClients } from '../shared/clients/sharedClients';
import type { BenchmarkResult } from './benchmarkResult';
import type { BenchmarkWorkerData, BenchmarkWorkerReply } from './benchmarkInWorker';

/**
 * The worker side of benchmarkInWorker: runs one benchmark's export, closes the clients the functions it
 * played opened (so the thread ends by itself and a --cpu-prof profile of it is written), then replies.
 */
async function runBenchmark(data: BenchmarkWorkerData): Promise<BenchmarkWorkerReply> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(data.module) as Record<string, unknown>;
    const run = mod[data.exportName];
    if (typeof run !== 'function') throw new Error(`${data.module} has no exported function ${data.exportName}`);
    return { result: await (run as () => Promise<BenchmarkResult>)() };
  } catch (error) {
    return { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    await closeRedisClient().catch(() => undefined);
    await closeSharedClients().catch(() => undefined);
  }
}

void runBenchmark(workerData as BenchmarkWorkerData).then((reply) => parentPort?.postMessage(reply));
