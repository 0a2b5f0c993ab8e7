import { join } from 'node:path';
import { childEnvironment } from '../config/localConfig';
import { Worker } from 'node:worker_threads';
import type { FunctionFigures } from '../ops/processFigures';
import type { FromPoller, MskPollerData, SkippedGap, ToPoller } from './mskPollerMessages';
import { deserializeError } from './workerMessages';
import { stopWorkerThread } from './stopWorkerThread';
import { workerResourceLimits } from './workerResourceLimits';

const POLLER_ENTRY = join(__dirname, 'mskPollerWorker.cjs');
/** How long the pollers may take to finish the batches in flight and close before the thread is terminated. */
const STOP_GRACE_MS = 30_000;

export interface MskPollerThread {
  /** The figures of the functions the pollers invoke (those whose worker runs). */
  functionFigures(): Promise<FunctionFigures[]>;
  stop(): Promise<void>;
}

/**
 * Starts the MSK event source mappings, and the functions they invoke, in a thread of their own
 * (mskPollerWorker) and resolves once every mapping's first consumer joined its group, as the mappings
 * themselves do. Log lines and skipped records come back to the runtime's thread, which shows them.
 * If the thread dies (an uncaught error in the client), it is started again: the consumer groups resume
 * from their committed offsets, as Lambda's pollers would.
 */
export async function startMskPollerThread(data: MskPollerData, on: { log(line: string): void; skipped(gap: SkippedGap): void }): Promise<MskPollerThread> {
  let worker: Worker;
  let alive = false;
  let stopping = false;
  let nextId = 0;
  const pending = new Map<number, (figures: FunctionFigures[]) => void>();

  const spawn = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // The environment as this thread sees it now (a test may have changed its own copy): the functions' workers copy it in turn.
      const current = new Worker(POLLER_ENTRY, { workerData: data, env: childEnvironment(), stdout: false, stderr: false, resourceLimits: workerResourceLimits('poller') });
      worker = current;
      alive = true;
      current.on('message', (message: FromPoller) => {
        if (message.kind === 'started') resolve();
        else if (message.kind === 'startFailed') reject(deserializeError(message.error));
        else if (message.kind === 'log') on.log(message.line);
        else if (message.kind === 'skipped') on.skipped(message.gap);
        else if (message.kind === 'figures') {
          pending.get(message.id)?.(message.figures);
          pending.delete(message.id);
        }
      });
      current.on('error', (error) => on.log(`[runtime] the MSK poller thread failed: ${error.stack ?? error.message}`));
      current.once('exit', (code) => {
        if (worker === current) alive = false;
        for (const answer of pending.values()) answer([]);
        pending.clear();
        reject(new Error(`the MSK poller thread exited (code ${code}) while starting`));
        if (stopping || worker !== current) return;
        on.log(`[runtime] the MSK poller thread exited (code ${code}); starting it again`);
        setTimeout(() => {
          if (!stopping) spawn().catch((error: unknown) => on.log(`[runtime] restarting the MSK poller thread failed: ${error instanceof Error ? error.message : String(error)}`));
        }, 1_000);
      });
    });

  await spawn();
  return {
    functionFigures() {
      if (stopping || !alive) return Promise.resolve([]);
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        worker.postMessage({ kind: 'figures', id } satisfies ToPoller);
      });
    },
    async stop() {
      stopping = true;
      if (!alive) return;
      await stopWorkerThread(worker, { kind: 'stop' } satisfies ToPoller, STOP_GRACE_MS);
    },
  };
}
