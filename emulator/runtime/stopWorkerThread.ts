import type { Worker } from 'node:worker_threads';

/**
 * Asks a worker thread to end (`message`: it closes its connections first, then its port) and waits for
 * its exit; one that has not exited after `graceMs` is terminated, so a stop always ends.
 */
export async function stopWorkerThread(worker: Worker, message: { kind: 'stop' }, graceMs: number): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage(message);
  const grace = setTimeout(() => void worker.terminate(), graceMs);
  await exited;
  clearTimeout(grace);
}
