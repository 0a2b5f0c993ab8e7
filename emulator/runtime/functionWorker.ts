import { parentPort, workerData } from 'node:worker_threads';
import { closeSharedClients } from '../../shared/clients/sharedClients';
import { processFigures, watchFullCollections } from '../ops/processFigures';
import { loadFunction, type Invoke } from './loadedFunction';
import { serializeError, type FromWorker, type FunctionWorkerData, type ToWorker } from './workerMessages';

/**
 * One function's execution environment, as a Lambda container is: a worker thread of its own, with its
 * own environment, module state, connections, breakers and retry budget. Its handler loads once; the
 * runtime sends it invocations and asks for its figures by message.
 */
const port = parentPort;
if (port === null) throw new Error('functionWorker runs as a worker thread of the local runtime');
const { root, fn, functionName } = workerData as FunctionWorkerData;
const send = (message: FromWorker) => port.postMessage(message);
watchFullCollections();

let invoke: Invoke | undefined;
try {
  invoke = loadFunction(root, fn, functionName);
  send({ kind: 'ready' });
} catch (error) {
  // As a Lambda init error: this worker ends, and the next invocation tries a fresh one.
  send({ kind: 'loadFailed', error: serializeError(error) });
  port.close();
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'invoke') {
    const run = invoke;
    if (run === undefined) {
      send({ kind: 'error', id: message.id, error: { name: 'Error', message: `${functionName} did not load` } });
      return;
    }
    run(JSON.parse(message.eventJson)).then(
      (value) => send({ kind: 'result', id: message.id, value }),
      (error: unknown) => send({ kind: 'error', id: message.id, error: serializeError(error) }),
    );
  } else if (message.kind === 'figures') {
    send({ kind: 'figures', id: message.id, figures: processFigures() });
  } else {
    // The runtime asks only once no invocation is in flight: close what the handler opened, then end.
    void closeSharedClients().finally(() => port.close());
  }
});
