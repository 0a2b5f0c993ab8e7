import { parentPort, workerData } from 'node:worker_threads';
import type { FunctionFigures } from '../ops/processFigures';
import { subscriptionsOf } from '../../shared/routes/functionCatalog';
import { FunctionHost } from './functionHost';
import type { FromPoller, MskPollerData, ToPoller } from './mskPollerMessages';
import { startMskEventSourceMapping, type MskMapping } from './mskEventSourceMapping';
import { serializeError } from './workerMessages';

/**
 * The MSK event source mappings and the functions they invoke, in a thread of their own: Lambda's
 * pollers are a fleet apart from the functions an HTTP request reaches, so here too about 20 consumer
 * groups' fetches, heartbeats and batch decoding never hold up the runtime's thread, which serves the
 * HTTP API. Each function still runs in a worker of its own (FunctionHost), started from this thread.
 */
const port = parentPort;
if (port === null) throw new Error('mskPollerWorker runs as a worker thread of the local runtime');
const data = workerData as MskPollerData;
const send = (message: FromPoller) => port.postMessage(message);
const log = (line: string) => send({ kind: 'log', line });

const hosts = data.functions.map(({ fn, functionName }) => ({ fn, host: new FunctionHost(data.root, fn, functionName) }));
let mappings: MskMapping[] = [];

async function start(): Promise<void> {
  const starting: Array<Promise<MskMapping>> = [];
  for (const { fn, host } of hosts) {
    for (const msk of subscriptionsOf(fn)) {
      starting.push(
        startMskEventSourceMapping({
          functionName: host.functionName,
          event: msk,
          groupId: `${msk.consumerGroupId}${data.groupIdSuffix}`,
          brokers: data.brokers,
          eventSourceArn: data.eventSourceArn,
          invoke: host.invoke,
          joinInBackground: true,
          onInvocation: ({ ok, error, records }) => {
            if (!ok) log(`[runtime] ${fn.key}: batch of ${records} failed, will retry: ${error instanceof Error ? error.message : String(error)}`);
          },
          onSkipped: (gap) => send({ kind: 'skipped', gap: { function: fn.key, topic: gap.topic, partition: gap.partition, expected: gap.expected, fetched: gap.fetched } }),
          onCrash: ({ error, restartInMs }) => log(`[runtime] ${fn.key}: Kafka consumer crashed (replaced by a new consumer in ${restartInMs} ms): ${error.message}`),
        }),
      );
    }
  }
  mappings = await Promise.all(starting);
}

async function figures(): Promise<FunctionFigures[]> {
  const all = await Promise.all(hosts.map(async ({ host }) => ({ function: host.functionName, figures: await host.figures().catch(() => undefined) })));
  return all.flatMap(({ function: name, figures: own }) => (own === undefined ? [] : [{ function: name, ...own }]));
}

async function stop(): Promise<void> {
  // Disconnecting waits for the batch in flight, so no invocation is cut in half; then the functions end.
  await Promise.all(mappings.map((mapping) => mapping.disconnect()));
  await Promise.all(hosts.map(({ host }) => host.stop()));
}

port.on('message', (message: ToPoller) => {
  if (message.kind === 'figures') {
    void figures().then((list) => send({ kind: 'figures', id: message.id, figures: list }));
  } else {
    void stop()
      .catch((error: unknown) => log(`[runtime] stopping the MSK pollers failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        send({ kind: 'stopped' });
        port.close();
      });
  }
});

start().then(
  () => send({ kind: 'started' }),
  (error: unknown) => send({ kind: 'startFailed', error: serializeError(error) }),
);
