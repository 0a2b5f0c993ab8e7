import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { opsStatus, type OpsStatus } from './collectOpsStatus';
import { startOpsSamplerThread } from './opsSamplerThread';
import { OPS_SAMPLING_PACE, sampleTooOldToServe, samplingDue, type OpsSamplingPace } from './opsSampling';
import { watchFullCollections, type FunctionFigures } from './processFigures';

export interface OpsSample {
  t: number;
  lag: number;
  queueDepth: number;
  redisLatencyMs: number | null;
}

export interface OpsView {
  /** Answers /ops, /ops/status and /ops/assets/*; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  latest(): OpsStatus | undefined;
  stop(): Promise<void>;
}

const HISTORY = 300;
const PAGE = join(__dirname, 'opsPage.html');
/** The page's own scripts and styles, served under /ops/assets/ (and described in the HTTP contract, opsRoutes.ts). */
export const OPS_ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'uPlot.iife.min.js': { file: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript' },
  'uPlot.min.css': { file: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css' },
};

export function summarizeSample(status: OpsStatus): OpsSample {
  return {
    t: Date.parse(status.time) / 1000,
    lag: Array.isArray(status.lag) ? status.lag.reduce((n, l) => n + l.total, 0) : 0,
    queueDepth: Array.isArray(status.queues) ? status.queues.reduce((n, q) => n + q.depth, 0) : 0,
    redisLatencyMs: 'latencyMs' in status.redis ? status.redis.latencyMs : null,
  };
}

/**
 * The local ops view: samples every system into a five-minute history (once a second while the page or
 * /ops/status is read, every 15 s while nobody reads them; see opsSampling), and serves the page (uPlot
 * chart + tables, updated live) and the same data as JSON. One place to look, instead of a Kafka lag
 * dashboard, a RabbitMQ one and a Redis one.
 */
export async function startOpsView(options: {
  brokers: string[];
  redisUrl: string;
  rabbitMqUrl: string;
  namespace: string;
  groupSuffix: string;
  /** Each function's process figures, asked of its worker (see emulator/runtime/functionHost). */
  functionFigures: () => Promise<FunctionFigures[]>;
  pace?: OpsSamplingPace;
}): Promise<OpsView> {
  const pace = options.pace ?? OPS_SAMPLING_PACE;
  // The runtime thread's own heap after full collections, beside the workers' (memory on /ops/status).
  watchFullCollections();
  const sampler = startOpsSamplerThread({
    brokers: options.brokers,
    redisUrl: options.redisUrl,
    rabbitMqUrl: options.rabbitMqUrl,
    namespace: options.namespace,
    groupSuffix: options.groupSuffix,
  });

  const history: OpsSample[] = [];
  let latest: OpsStatus | undefined;
  let sampling: Promise<void> | undefined;
  let lastSampleAt = 0;
  let lastReadAt = -Infinity;
  const sample = async () => {
    const [systems, figures] = await Promise.all([sampler.sample(), options.functionFigures()]);
    latest = opsStatus(systems, figures);
    // When it was taken (the figures' time), not when asked: a slow first sample is not already stale.
    lastSampleAt = Date.now();
    history.push(summarizeSample(latest));
    // Five minutes of samples at the watched pace; idle samples, sparser, reach further back.
    if (history.length > HISTORY) history.shift();
  };
  // One sample at a time: a read waiting for a fresh one shares the sample in flight.
  const sampleOnce = (): Promise<void> =>
    (sampling ??= sample()
      .catch(() => undefined)
      .finally(() => (sampling = undefined)));
  await sample();
  const timer = setInterval(() => {
    if (samplingDue(Date.now(), lastSampleAt, lastReadAt, pace)) void sampleOnce();
  }, pace.intervalMs);
  const answerStatus = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ ...latest, history }));

  return {
    latest: () => latest,
    handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const name = path.startsWith('/ops/assets/') ? path.slice('/ops/assets/'.length) : undefined;
      // Own names only: `constructor` or `__proto__` must not resolve to what every object inherits.
      const asset = name !== undefined && Object.hasOwn(OPS_ASSETS, name) ? OPS_ASSETS[name] : undefined;
      const page = path === '/ops' || path === '/ops/';
      if (!page && path !== '/ops/status' && asset === undefined) return false;
      // Pages to read: any other method is answered 405 with the ones allowed (RFC 9110 section 15.5.6).
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res
          .writeHead(405, { 'content-type': 'application/json; charset=utf-8', allow: 'GET, HEAD', 'cache-control': 'no-store' })
          .end(JSON.stringify({ error: `${String(req.method)} is not allowed here; use GET` }));
        return true;
      }
      if (page || asset === undefined) lastReadAt = Date.now();
      if (page) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(readFileSync(PAGE));
        return true;
      }
      if (asset === undefined) {
        // After a while unread, the last sample may be 15 s old: the reader gets a new one instead, but
        // waits at most freshWaitMs. A sample has no deadline of its own (Kafka's admin client retries
        // while the broker is down), and the view must answer most when a system is failing: then the
        // reader gets the last sample, whose `time` says how old it is.
        if (sampleTooOldToServe(Date.now(), lastSampleAt, pace)) {
          let timer: NodeJS.Timeout | undefined;
          const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, pace.freshWaitMs)));
          void Promise.race([sampleOnce(), waited]).then(() => {
            clearTimeout(timer);
            answerStatus(res);
          });
        } else answerStatus(res);
        return true;
      }
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'max-age=3600' }).end(readFileSync(asset.file));
      return true;
    },
    async stop() {
      clearInterval(timer);
      await sampling;
      await sampler.stop();
    },
  };
}
