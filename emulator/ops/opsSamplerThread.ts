import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { childEnvironment } from '../config/localConfig';
import { stopWorkerThread } from '../runtime/stopWorkerThread';
import type { SystemsStatus } from './collectOpsStatus';
import type { FromSampler, OpsSamplerData, ToSampler } from './opsSamplerMessages';

const SAMPLER_ENTRY = join(__dirname, 'opsSamplerWorker.cjs');
/** How long the sampler may take to close its connections before it is terminated. */
const STOP_GRACE_MS = 5_000;

export interface OpsSamplerThread {
  /** Asks Kafka, RabbitMQ and Redis, from the sampler's thread. */
  sample(): Promise<SystemsStatus>;
  stop(): Promise<void>;
}

/**
 * The ops sampler (opsSamplerWorker) in a thread of its own, started on the first sample. If the thread
 * dies, that sample says so in place of every system's figures, and the next one starts a new thread.
 */
export function startOpsSamplerThread(data: OpsSamplerData): OpsSamplerThread {
  let worker: Worker | undefined;
  let nextId = 0;
  let stopping = false;
  const pending = new Map<number, (systems: SystemsStatus) => void>();
  const lost = (reason: string): SystemsStatus => ({ lag: { error: reason }, queues: { error: reason }, redis: { error: reason } });

  const running = (): Worker => {
    if (worker !== undefined) return worker;
    const current = new Worker(SAMPLER_ENTRY, { workerData: data, env: childEnvironment(), stdout: false, stderr: false });
    current.on('message', (message: FromSampler) => {
      if (message.kind !== 'systems') return;
      pending.get(message.id)?.(message.systems);
      pending.delete(message.id);
    });
    current.on('error', () => undefined);
    current.once('exit', (code) => {
      if (worker === current) worker = undefined;
      for (const answer of pending.values()) answer(lost(`the ops sampler thread exited (code ${code})`));
      pending.clear();
    });
    worker = current;
    return current;
  };

  return {
    sample() {
      if (stopping) return Promise.resolve(lost('the runtime is stopping'));
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        running().postMessage({ kind: 'sample', id } satisfies ToSampler);
      });
    },
    async stop() {
      stopping = true;
      const current = worker;
      if (current === undefined) return;
      await stopWorkerThread(current, { kind: 'stop' } satisfies ToSampler, STOP_GRACE_MS);
    },
  };
}
