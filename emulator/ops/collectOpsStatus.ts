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

/** What RabbitMQ itself says of a step's queue. */
export interface QueueDepth {
  queue: string;
  depth: number;
  consumers: number;
  parkingLot: number;
}

export interface QueueStatus extends QueueDepth {
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

/** The systems the ops view asks, each second (from a thread of its own: see opsSamplerWorker). */
export interface SystemSources {
  admin: KafkaAdminPort;
  redis: Redis;
  channel: () => Promise<Channel>;
  namespace: string;
  groupSuffix: string;
}

/** What Kafka, RabbitMQ and Redis answered; each one that could not be read says why. */
export interface SystemsStatus {
  lag: LagStatus[] | { error: string };
  queues: QueueDepth[] | { error: string };
  redis: RedisStatus | { error: string };
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

async function queueDepths(channel: Channel): Promise<QueueDepth[]> {
  return Promise.all(
    WORKFLOW_STEPS.map(async (step) => {
      const [main, parked] = await Promise.all([channel.checkQueue(step.queue), channel.checkQueue(parkingLotOf(step.queue))]);
      return { queue: step.queue, depth: main.messageCount, consumers: main.consumerCount, parkingLot: parked.messageCount };
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

/** Kafka lag, RabbitMQ depths and Redis health; each system is asked on its own: one being down must not blank the whole view (that is when it is needed). */
export async function collectSystemsStatus(sources: SystemSources): Promise<SystemsStatus> {
  const failed = (error: unknown) => ({ error: (error as Error).message });
  const [lag, queues, redis] = await Promise.all([
    lagStatuses(sources.admin, sources.groupSuffix).catch(failed),
    sources.channel().then(queueDepths).catch(failed),
    redisStatus(sources.redis, sources.namespace).catch(failed),
  ]);
  return { lag, queues, redis };
}

/**
 * Everything the person on call looks at, in one answer: the systems' sample beside what this process
 * knows (each function's figures as its worker reports them, RabbitMQ deliveries counted by the event
 * source mappings here, publishes counted in the functions' workers, records skipped, memory).
 */
export function opsStatus(systems: SystemsStatus, figures: readonly FunctionFigures[]): OpsStatus {
  const published: Record<string, number> = {};
  for (const own of figures) for (const [queue, count] of Object.entries(own.published)) published[queue] = (published[queue] ?? 0) + count;
  const delivered = queueTraffic().delivered;
  const byFunction = (a: { function: string }, b: { function: string }) => a.function.localeCompare(b.function);
  return {
    time: new Date().toISOString(),
    functions: figures.flatMap((own) => own.functions).sort(byFunction),
    lag: systems.lag,
    skipped: skippedRecordStatuses(),
    queues: Array.isArray(systems.queues) ? systems.queues.map((depth) => ({ ...depth, published: published[depth.queue] ?? 0, delivered: delivered[depth.queue] ?? 0 })) : systems.queues,
    redis: systems.redis,
    breakers: figures.flatMap((own) => own.breakers.map((breaker) => ({ function: own.function, ...breaker }))).sort((a, b) => byFunction(a, b) || a.name.localeCompare(b.name)),
    retries: figures.flatMap((own) => (own.retries === undefined ? [] : [{ function: own.function, ...own.retries }])).sort(byFunction),
    memory: memoryStatus(process.memoryUsage(), figures),
  };
}
