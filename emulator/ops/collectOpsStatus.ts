import type { Channel } from 'amqplib';
import type { Redis } from 'ioredis';
import type { KafkaAdminPort } from '../../shared/kafka/KafkaPort';
import type { FunctionStatus } from '../../shared/observability/functionStats';
import { queueTraffic } from '../../shared/observability/queueTraffic';
import type { DownstreamStatus } from '../../shared/resilience/downstream';
import type { RetryBudgetStatus } from '../../shared/resilience/RetryBudget';
import { FUNCTIONS, subscriptionsOf } from '../../shared/routes/functionCatalog';
import { parkingLotOf, WORKFLOW_STEPS } from '../../shared/routes/workflow';
import { KEY_FAMILIES, keyFamilyOf } from '../../shared/state/redisKeys';
import { consumerLag } from '../../shared/kafka/consumerLag';
import { skippedRecordStatuses, type SkippedRecords } from '../runtime/skippedRecords';
import { isolateMemory, type FunctionFigures, type IsolateMemory } from './processFigures';

export interface LagStatus {
  function: string;
  topic: string;
  group: string;
  total: number;
  partitions: Array<{ partition: number; lag: number }>;
}

export interface QueueStatus {
  queue: string;
  depth: number;
  consumers: number;
  parkingLot: number;
  published: number;
  delivered: number;
}

export interface RedisStatus {
  usedMemory: number;
  maxMemory: number;
  evictedKeys: number;
  hitRatio: number;
  latencyMs: number;
  sampledKeys: number;
  keysWithoutTtl: number;
  /** Keys without TTL in a family that must have one: each is a leak. */
  ttlMissing: number;
}

/**
 * The runtime's memory: the process RSS (every function's worker thread shares it, with the runtime's
 * own thread: HTTP server, event source mappings, this view) and each isolate's own heap, the runtime's
 * thread first, then each running worker's, as it reports it (see IsolateMemory for what that leaves out).
 */
export interface MemoryStatus extends IsolateMemory {
  rss: number;
  workers: Array<{ function: string } & IsolateMemory>;
}

export function memoryStatus(own: NodeJS.MemoryUsage, figures: readonly FunctionFigures[]): MemoryStatus {
  return {
    rss: own.rss,
    ...isolateMemory(own),
    workers: figures.map((worker) => ({ function: worker.function, ...worker.memory })).sort((a, b) => a.function.localeCompare(b.function)),
  };
}

export interface OpsStatus {
  time: string;
  functions: FunctionStatus[];
  lag: LagStatus[] | { error: string };
  /** Records consumers never saw because Kafka no longer held them: each one is a loss to look at. */
  skipped: SkippedRecords[];
  queues: QueueStatus[] | { error: string };
  redis: RedisStatus | { error: string };
  /** Each function's guards of its downstreams, as that function's worker keeps them. */
  breakers: Array<{ function: string } & DownstreamStatus>;
  retries: Array<{ function: string } & RetryBudgetStatus>;
  memory: MemoryStatus;
}

export interface OpsSources {
  admin: KafkaAdminPort;
  redis: Redis;
  channel: () => Promise<Channel>;
  namespace: string;
  groupSuffix: string;
  /** Each function's process figures, asked of its worker (see emulator/runtime/functionHost). */
  functionFigures: () => Promise<FunctionFigures[]>;
}

const info = (text: string, field: string): number => Number(new RegExp(`^${field}:(\\S+)`, 'm').exec(text)?.[1] ?? 0);

async function redisStatus(redis: Redis, namespace: string): Promise<RedisStatus> {
  const started = performance.now();
  await redis.ping();
  const latencyMs = performance.now() - started;
  const [memory, stats, [, maxmemory]] = await Promise.all([redis.info('memory'), redis.info('stats'), redis.config('GET', 'maxmemory')]);
  // SCAN's MATCH filters after the fact: walk a few pages (bounded) to gather up to 200 keys of this namespace.
  const sample: string[] = [];
  let cursor = '0';
  for (let page = 0; page < 20 && sample.length < 200; page++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
    sample.push(...keys.slice(0, 200 - sample.length));
    cursor = next;
    if (cursor === '0') break;
  }
  const ttls = sample.length > 0 ? ((await redis.pipeline(sample.map((key) => ['ttl', key])).exec()) ?? []) : [];
  let keysWithoutTtl = 0;
  let ttlMissing = 0;
  sample.forEach((key, i) => {
    if (ttls[i]?.[1] !== -1) return;
    keysWithoutTtl++;
    const family = keyFamilyOf(namespace, key);
    if (family !== undefined && KEY_FAMILIES[family] === 'ttl') ttlMissing++;
  });
  const hits = info(stats, 'keyspace_hits');
  const misses = info(stats, 'keyspace_misses');
  return {
    usedMemory: info(memory, 'used_memory'),
    maxMemory: Number(maxmemory ?? 0),
    evictedKeys: info(stats, 'evicted_keys'),
    hitRatio: hits + misses === 0 ? 1 : hits / (hits + misses),
    latencyMs: Math.round(latencyMs * 1000) / 1000,
    sampledKeys: sample.length,
    keysWithoutTtl,
    ttlMissing,
  };
}

async function queueStatuses(channel: Channel, published: Record<string, number>): Promise<QueueStatus[]> {
  // Deliveries are counted here, by the event source mappings; publishes in the functions' workers.
  const delivered = queueTraffic().delivered;
  return Promise.all(
    WORKFLOW_STEPS.map(async (step) => {
      const [main, parked] = await Promise.all([channel.checkQueue(step.queue), channel.checkQueue(parkingLotOf(step.queue))]);
      return {
        queue: step.queue,
        depth: main.messageCount,
        consumers: main.consumerCount,
        parkingLot: parked.messageCount,
        published: published[step.queue] ?? 0,
        delivered: delivered[step.queue] ?? 0,
      };
    }),
  );
}

async function lagStatuses(admin: KafkaAdminPort, groupSuffix: string): Promise<LagStatus[]> {
  const pairs = FUNCTIONS.flatMap((fn) => subscriptionsOf(fn).map(({ topic, consumerGroupId }) => ({ fn, topic, consumerGroupId })));
  return Promise.all(
    pairs.map(async ({ fn, topic, consumerGroupId }) => {
      const group = `${consumerGroupId}${groupSuffix}`;
      return { function: fn.name, topic, group, ...(await consumerLag(admin, group, topic)) };
    }),
  );
}

/** Everything the person on call looks at, in one answer: lag, queues, Redis, functions, breakers, retries. */
export async function collectOpsStatus(sources: OpsSources): Promise<OpsStatus> {
  // Each system is asked on its own: one being down must not blank the whole view (that is when it is needed).
  const failed = (error: unknown) => ({ error: (error as Error).message });
  const figures = await sources.functionFigures();
  const published: Record<string, number> = {};
  for (const own of figures) for (const [queue, count] of Object.entries(own.published)) published[queue] = (published[queue] ?? 0) + count;
  const [lag, queues, redis] = await Promise.all([
    lagStatuses(sources.admin, sources.groupSuffix).catch(failed),
    sources
      .channel()
      .then((channel) => queueStatuses(channel, published))
      .catch(failed),
    redisStatus(sources.redis, sources.namespace).catch(failed),
  ]);
  const byFunction = (a: { function: string }, b: { function: string }) => a.function.localeCompare(b.function);
  return {
    time: new Date().toISOString(),
    functions: figures.flatMap((own) => own.functions).sort(byFunction),
    lag,
    skipped: skippedRecordStatuses(),
    queues,
    redis,
    breakers: figures.flatMap((own) => own.breakers.map((breaker) => ({ function: own.function, ...breaker }))).sort((a, b) => byFunction(a, b) || a.name.localeCompare(b.name)),
    retries: figures.flatMap((own) => (own.retries === undefined ? [] : [{ function: own.function, ...own.retries }])).sort(byFunction),
    memory: memoryStatus(process.memoryUsage(), figures),
  };
}
