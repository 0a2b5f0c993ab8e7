import { childEnvironment } from '../config/localConfig';
import { workerResourceLimits } from './workerResourceLimits';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ProcessFigures } from '../ops/processFigures';
import { functionEnvironment } from './functionEnvironment';
import { stopWorkerThread } from './stopWorkerThread';
import { eventJsonText } from './eventJson';
import type { Invoke } from './loadedFunction';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';
import { deserializeError, type FromWorker, type FunctionWorkerData, type ToWorker } from './workerMessages';

const WORKER_ENTRY = join(__dirname, 'functionWorker.cjs');
/** How long a stopping worker may take to close its connections before it is terminated. */
const STOP_GRACE_MS = 5_000;
/**
 * Workers loading their handlers at once, at most: loading is about a second of CPU each, and when a
 * backlog invokes every function at start, ~19 loading together starve the runtime's own thread (the
 * HTTP server, the mappings) on a 2-core machine. The others wait their turn, as cold starts do.
 */
const MAX_LOADING = 2;
let loading = 0;
const waitingToLoad: Array<() => void> = [];
const loadSlot = async (): Promise<() => void> => {
  if (loading >= MAX_LOADING) await new Promise<void>((resolve) => waitingToLoad.push(resolve));
  loading++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    loading--;
    waitingToLoad.shift()?.();
  };
};

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * One function as Lambda runs it: the runtime (the "Lambda service": HTTP API, event source mappings,
 * ops view) holds a host per function, and the host runs the function in a worker thread of its own,
 * started with the function's own environment on its first invocation (a cold start). Concurrent
 * invocations share the one worker, where Lambda would add containers: the bulkheads and breakers see
 * them together, as they did when every function shared the runtime's process. If the worker dies (an uncaught error in the handler's
 * code), the invocations in flight fail and the next one starts a fresh worker, as Lambda replaces a
 * crashed container: module state, connections and breakers start over.
 */
export class FunctionHost {
  readonly functionName: string;
  private readonly data: FunctionWorkerData;
  private readonly env: NodeJS.ProcessEnv;
  private worker: Promise<Worker> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private generation = 0;
  private stopping = false;

  constructor(root: string, fn: FunctionRoute, functionName: string, runtimeEnv: NodeJS.ProcessEnv = childEnvironment()) {
    this.functionName = functionName;
    this.data = { root, fn, functionName };
    this.env = functionEnvironment(fn, functionName, runtimeEnv);
  }

  /**
   * The event crosses to the worker as JSON text, which the worker parses, as a Lambda function gets its
   * event from the runtime API: a structured clone of an MSK batch's object graph (500 records, each
   * with its header byte lists) cost about 14 us per record between the two threads, JSON.stringify
   * and JSON.parse together about 7 (a string is copied whole). An event JSON cannot carry fails here.
   * An EventJson is sent as the text it holds (the MSK mapping writes its events' text directly).
   */
  readonly invoke: Invoke = async (event) => {
    const eventJson = eventJsonText(event);
    if (eventJson === undefined) throw new TypeError(`${this.functionName}: an event must be a JSON value, not ${typeof event}`);
    return this.request((id) => ({ kind: 'invoke', id, eventJson }));
  };

  /** The worker's figures; none while no worker runs (none was invoked yet, or its last one ended). */
  async figures(): Promise<ProcessFigures | undefined> {
    if (this.worker === undefined || this.stopping) return undefined;
    return (await this.request((id) => ({ kind: 'figures', id }))) as ProcessFigures;
  }

  /** Ends the worker once the caller has let its invocations finish (the mappings drain first). */
  async stop(): Promise<void> {
    this.stopping = true;
    const started = this.worker;
    this.worker = undefined;
    const worker = await started?.catch(() => undefined);
    if (worker === undefined) return;
    await stopWorkerThread(worker, { kind: 'stop' } satisfies ToWorker, STOP_GRACE_MS);
  }

  private async request(message: (id: number) => ToWorker): Promise<unknown> {
    if (this.stopping) throw new Error(`${this.functionName} is stopping`);
    const worker = await this.running();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(message(id));
    });
  }

  private running(): Promise<Worker> {
    this.worker ??= this.spawn();
    return this.worker;
  }

  private async spawn(): Promise<Worker> {
    const generation = ++this.generation;
    const release = await loadSlot();
    const worker = new Worker(WORKER_ENTRY, { workerData: this.data, env: this.env, stdout: false, stderr: false, resourceLimits: workerResourceLimits(this.data.fn.trigger.kind) });
    const started = new Promise<Worker>((resolve, reject) => {
      let ready = false;
      let crash: Error | undefined;
      worker.on('message', (message: FromWorker) => {
        if (message.kind === 'ready') {
          ready = true;
          release();
          resolve(worker);
        } else if (message.kind === 'loadFailed') reject(deserializeError(message.error));
        else this.settle(message);
      });
      worker.on('error', (error) => {
        crash = error;
        if (!ready) reject(error);
      });
      worker.once('exit', (code) => {
        release();
        if (!ready) reject(new Error(`${this.functionName}: worker exited with code ${code} while loading`));
        // Only this worker's own exit clears it: never the successor a later invocation started.
        if (this.generation === generation) this.worker = undefined;
        const lost = new Error(`${this.functionName}: its worker exited (code ${code}) during the invocation${crash === undefined ? '' : `: ${crash.message}`}`);
        for (const pending of this.pending.values()) pending.reject(lost);
        this.pending.clear();
      });
    });
    return started;
  }

  private settle(message: Exclude<FromWorker, { kind: 'ready' } | { kind: 'loadFailed' }>): void {
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    if (message.kind === 'error') pending.reject(deserializeError(message.error));
    else pending.resolve(message.kind === 'result' ? message.value : message.figures);
  }
}
