import { localConfig } from '../config/localConfig';
import type { Server } from 'node:http';
import { PROJECT_ROOT } from '../services/localPaths';
import { startHttpApiServer } from './httpApiServer';
import type { Invoke } from './loadedFunction';
import { FunctionHost } from './functionHost';
import { localKafka } from './localKafka';
import { startMskPollerThread, type MskPollerThread } from './mskPollerThread';
import type { PolledFunction } from './mskPollerMessages';
import { recordSkippedRecords } from './skippedRecords';
import { startRabbitMqEventSourceMapping, type RunningMapping } from './rabbitMqEventSourceMapping';
import { applyLocalEnvironment } from './localEnvironment';
import { readServerlessWiring } from './serverlessFunctions';
import { subscriptionsOf } from '../../shared/routes/functionCatalog';
import { startOpsView, type OpsView } from '../ops/opsView';
import type { FunctionFigures } from '../ops/processFigures';
import { redisNamespace } from '../../shared/state/redisKeys';
import { applyAccessControl } from '../services/applyAccessControl';
import { apiKeySourceFromEnv } from '../../shared/middleware/http/apiKeySource';
import { vhostOf } from '../../shared/clients/rabbitMqUrl';
import { isOpsPath, opsAuthorized } from '../ops/opsAccess';
import { applyLocalApiKeys } from './localApiKeys';
import { raiseNewSpaceFloor } from './workerResourceLimits';

export interface LocalRuntimeOptions {
  port?: number;
  root?: string;
  /** Consumer groups get this suffix: a test run can read its topics from the start without old offsets. */
  groupIdSuffix?: string;
  log?: (line: string) => void;
}

export interface LocalRuntime {
  url: string;
  /** Each function's own figures (breakers, retry budget, invocations), asked of its worker now. */
  functionFigures(): Promise<FunctionFigures[]>;
  stop(): Promise<void>;
}

const LOCAL_ARN = 'arn:aws:kafka:local:000000000000:cluster/triplane-local/local';
const LOCAL_MQ_ARN = 'arn:aws:mq:local:000000000000:broker:triplane-local:b-local';

/**
 * Runs serverless.yml on this machine: every httpApi route in one HTTP server (payload 2.0) and every
 * msk event as an event source mapping with Lambda's semantics, all against the real local services.
 * This process plays the Lambda service; each function runs in a worker of its own (FunctionHost), with
 * its own environment and process state, as each Lambda function has containers of its own.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const root = options.root ?? PROJECT_ROOT;
  // Before the first worker (the poller thread, a function's, the ops sampler): each is created with it.
  raiseNewSpaceFloor();
  const log = options.log ?? ((line: string) => console.log(line));
  const wiring = readServerlessWiring(root);
  // Before any handler loads (they read their keys at first use): a key list with no key stops here.
  const keyLines = applyLocalApiKeys();
  const keyDigests = await apiKeySourceFromEnv().digests();
  const kafka = await localKafka();

  applyLocalEnvironment(wiring, kafka);

  const httpRoutes: Array<{ method: string; path: string; target: { functionName: string; invoke: Invoke } }> = [];
  const polled: PolledFunction[] = [];
  const queueMappings: Array<() => Promise<RunningMapping>> = [];
  const config = localConfig();
  const rabbitMqUrl = config.RABBITMQ_URL ?? '';
  const vhost = vhostOf(rabbitMqUrl);
  const lines: string[] = [];
  // The users of the namespace and vhost this runtime really uses, made (idempotently) before any
  // function runs, as a deploy makes them before any invocation: whoever set REDIS_URL, RABBITMQ_URL
  // or the namespace (a benchmark, the fault suite's private Redis), the functions are never locked out.
  // Each function talks to Redis and RabbitMQ as its own user, as on ElastiCache and Amazon MQ: a read
  // route cannot write even by mistake. There is no way to turn this off.
  const access = await applyAccessControl({ namespace: redisNamespace(), vhost, redisUrl: config.REDIS_URL });
  // A function's worker starts on its first invocation, as a Lambda cold start: about 50 MB and a second of
  // CPU each, which 19 functions started at once would spend before the first request. Workers copy
  // this environment when they start, so it is complete (keys, services, users) from here on.
  // The functions an MSK mapping invokes run, with their mappings, in the poller thread (mskPollerWorker):
  // this thread, which answers every HTTP request, never waits behind the consumers' polling.
  const hosts: FunctionHost[] = [];
  wiring.functions.forEach((fn) => {
    const functionName = `${wiring.service}-local-${fn.key}`;
    const trigger = fn.trigger;
    const subscriptions = subscriptionsOf(fn);
    if (subscriptions.length > 0) polled.push({ fn, functionName });
    const host = subscriptions.length > 0 ? undefined : new FunctionHost(root, fn, functionName);
    if (host !== undefined) hosts.push(host);
    const invoke = host?.invoke;
    if (trigger.kind === 'http' && invoke !== undefined) {
      const http = trigger;
      httpRoutes.push({ method: http.method, path: http.path, target: { functionName, invoke } });
      lines.push(`  http   ${http.method.padEnd(5)} ${http.path.padEnd(28)} -> ${fn.key}`);
    }
    for (const msk of subscriptions) {
      const groupId = `${msk.consumerGroupId}${options.groupIdSuffix ?? ''}`;
      lines.push(`  msk    ${msk.topic.padEnd(34)} -> ${fn.key} (group ${groupId}, batch ${msk.batchSize}, window ${msk.maximumBatchingWindow}s)`);
    }
    if (trigger.kind === 'rabbitmq' && invoke !== undefined) {
      const mq = trigger;
      queueMappings.push(() =>
        startRabbitMqEventSourceMapping({
          functionName,
          event: mq,
          url: rabbitMqUrl,
          vhost,
          eventSourceArn: LOCAL_MQ_ARN,
          invoke,
          onInvocation: ({ ok, error, records }) => {
            if (!ok) log(`[runtime] ${fn.key}: batch of ${records} failed, the broker redelivers it: ${error instanceof Error ? error.message : String(error)}`);
          },
        }),
      );
      lines.push(`  mq     ${mq.queue.padEnd(34)} -> ${fn.key} (vhost ${vhost}, batch ${mq.batchSize}, window ${mq.maximumBatchingWindow}s)`);
    }
  });

  const pollers: MskPollerThread = await startMskPollerThread(
    { root, functions: polled, groupIdSuffix: options.groupIdSuffix ?? '', brokers: kafka.brokers, eventSourceArn: LOCAL_ARN },
    {
      log,
      skipped: (gap) => {
        const total = recordSkippedRecords(gap);
        log(
          `[runtime] ${gap.function}: SKIPPED ${gap.fetched - gap.expected} records of ${gap.topic}-${gap.partition} (offsets ${gap.expected} to ${gap.fetched - 1n}): ` +
            `Kafka no longer held them (retention or deleted records); ${total.records} skipped on that partition so far`,
        );
      },
    },
  );
  const functionFigures = async (): Promise<FunctionFigures[]> => {
    const figures = await Promise.all(hosts.map(async (host) => ({ function: host.functionName, figures: await host.figures().catch(() => undefined) })));
    const own = figures.flatMap(({ function: name, figures: found }) => (found === undefined ? [] : [{ function: name, ...found }]));
    const order = wiring.functions.map((fn) => `${wiring.service}-local-${fn.key}`);
    return [...own, ...(await pollers.functionFigures())].sort((x, y) => order.indexOf(x.function) - order.indexOf(y.function));
  };
  const queueConsumers = await Promise.all(queueMappings.map((start) => start()));
  const ops: OpsView = await startOpsView({
    brokers: kafka.brokers,
    redisUrl: config.REDIS_URL,
    rabbitMqUrl,
    namespace: redisNamespace(),
    groupSuffix: options.groupIdSuffix ?? '',
    functionFigures,
  });
  let server: Server;
  let url: string;
  try {
    ({ server, url } = await startHttpApiServer(
      httpRoutes,
      options.port ?? config.PORT,
      (name, error) => log(`[runtime] ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      (req, res) => {
        if (!isOpsPath(new URL(req.url ?? '/', 'http://localhost').pathname)) return false;
        return opsAuthorized(req, res, keyDigests) ? ops.handle(req, res) : true;
      },
    ));
  } catch (error) {
    await ops.stop();
    await Promise.all([pollers.stop(), ...queueConsumers.map((mapping) => mapping.stop())]);
    await Promise.all(hosts.map((host) => host.stop()));
    throw error;
  }
  log(`triplane local runtime: ${wiring.functions.length} functions, Kafka at ${kafka.brokers.join(',')}`);
  for (const line of lines) log(line);
  log(`functions run as their own users: ${access.redisUsers} Redis ACL users (namespace ${redisNamespace()}), ${access.rabbitMqUsers} RabbitMQ users (vhost ${vhost})`);
  log('each function runs in a worker thread of its own, with its own environment and process state, started on its first invocation');
  log('the MSK mappings poll in a thread of their own, apart from the HTTP API');
  for (const line of keyLines) log(line);
  log(`listening on ${url} (ops view: ${url}/ops, as JSON: ${url}/ops/status)`);

  return {
    url,
    functionFigures,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // Disconnecting waits for the batch in flight, so no invocation is cut in half.
      await ops.stop();
      await Promise.all([pollers.stop(), ...queueConsumers.map((mapping) => mapping.stop())]);
      await Promise.all(hosts.map((host) => host.stop()));
    },
  };
}
