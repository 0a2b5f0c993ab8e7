import autocannon from 'autocannon';
import { parentPort, workerData } from 'node:worker_threads';
import { epochNow, type AutocannonPlan, type AutocannonResult, type SentMessage } from './autocannonPlan';

/**
 * Runs autocannon in a worker thread: the load generator gets its own event loop (and, on 2 cores, its
 * own core) instead of sharing the server's, whose latency it would otherwise inflate. Each response's
 * time is kept at full precision (autocannon's own histogram rounds to whole milliseconds, too coarse
 * for a sub-millisecond p50).
 */
const plan = workerData as AutocannonPlan;
const port = parentPort;
if (port === null) throw new Error('autocannonWorker must run in a worker thread');

let next = 0;
const latenciesMs: number[] = [];
const completedAt: number[] = [];
const statusCounts: Record<string, number> = {};
const startedAt = epochNow();

const instance = autocannon(
  {
    url: plan.url,
    connections: plan.connections,
    ...(plan.overallRate !== undefined ? { overallRate: plan.overallRate } : {}),
    ...(plan.amount !== undefined ? { amount: plan.amount } : { duration: plan.durationSeconds ?? 10 }),
    timeout: 20,
    requests: [
      {
        method: plan.method,
        headers: { 'content-type': 'application/json', ...plan.headers },
        setupRequest: (request) => {
          const index = next++;
          const path = plan.paths[index % plan.paths.length] ?? '/';
          const body = plan.bodies === undefined ? undefined : plan.bodies[index % plan.bodies.length];
          if (plan.reportSends) port.postMessage({ type: 'sent', index, at: epochNow() } satisfies SentMessage);
          return { ...request, path, ...(body !== undefined ? { body } : {}) };
        },
      },
    ],
  },
  (error, result) => {
    if (error) throw error;
    const done: AutocannonResult = {
      type: 'done',
      latenciesMs,
      completedAt,
      statusCounts,
      errors: result.errors,
      timeouts: result.timeouts,
      sent: result.requests.sent,
      startedAt,
      finishedAt: epochNow(),
    };
    port.postMessage(done);
  },
);

instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
  completedAt.push(epochNow());
  if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTime);
});
