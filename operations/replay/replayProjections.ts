import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { KafkaAdminPort } from '../../shared/kafka/KafkaPort';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { projectionHandler, type ProjectionSpec } from '../../shared/middleware/batch/projectRecords';
import { FUNCTIONS, topicsOf } from '../../shared/routes/functionCatalog';
import { currentGeneration, generationNamespace, generationPointerKey, MAX_GENERATION, type ProjectionName } from '../../shared/state/projectionKeys';
import { lambdaContext } from '../../emulator/runtime/lambdaContext';
import { receivedEvent } from '../../emulator/runtime/eventJson';
import { startMskEventSourceMapping } from '../../emulator/runtime/mskEventSourceMapping';
import { PROJECT_ROOT } from '../../emulator/services/localPaths';
import { waitCaughtUp } from '../../shared/kafka/consumerLag';

export interface ReplayOptions {
  projections: ProjectionName[];
  brokers: string[];
  redis: Redis;
  namespace: string;
  log?: (line: string) => void;
  /** How long to wait after switching before deleting the old generation: a live batch may still be writing it. */
  graceMs?: number;
}

export interface ReplayResult {
  projection: ProjectionName;
  from: number;
  to: number;
  records: number;
  seconds: number;
  oldKeysDeleted: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deletes a generation's keys with SCAN + UNLINK, a page at a time, so Redis never blocks on a big KEYS or DEL. */
export async function deleteGeneration(redis: Redis, namespace: string, projection: ProjectionName, generation: number): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${generationNamespace(namespace, projection, generation)}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/**
 * Rebuilds projections from Kafka while the system keeps serving. For each projection: builds
 * generation N+1 from the start of its topic with a consumer group of its own (the live one keeps its
 * offsets and keeps writing generation N), waits until it has caught up, moves the pointer (reads
 * switch at once), lets it catch up once more (events the live consumer wrote to N in between), then
 * stops and deletes generation N. Live and replay share idempotency marks within N+1, so every event
 * lands there exactly once whichever of them applies it.
 */
export async function replayProjections(options: ReplayOptions): Promise<ReplayResult[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const admin = localKafkaClient(options.brokers, 'triplane-replay').admin();
  try {
    return await Promise.all(options.projections.map((projection) => replayOne(projection, admin, options, log)));
  } finally {
    await admin.close();
  }
}

async function replayOne(projection: ProjectionName, admin: KafkaAdminPort, options: ReplayOptions, log: (line: string) => void): Promise<ReplayResult> {
  const fn = FUNCTIONS.find((f) => f.projection === projection && f.trigger.kind === 'msk');
  const topic = fn === undefined ? undefined : topicsOf(fn)[0];
  if (fn === undefined || topic === undefined) throw new Error(`no projection function for ${projection}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a handler chosen at run time, loaded as the runtime loads it
  const spec = (require(join(PROJECT_ROOT, 'functions', fn.name, 'handler')) as { projection: ProjectionSpec }).projection;

  const started = performance.now();
  const from = await currentGeneration(options.redis, options.namespace, projection);
  const to = from + 1;
  if (to > MAX_GENERATION) throw new Error(`${projection} is at generation ${from}, the last one the access rules allow (shared/state/projectionKeys MAX_GENERATION)`);
  // Leftovers of a replay that was stopped half-way: the new generation starts empty.
  await deleteGeneration(options.redis, options.namespace, projection, to);
  const handler = projectionHandler(spec, to);
  let records = 0;
  const groupId = `triplane-replay-${projection}-g${to}-${Date.now()}`;
  log(`[replay] ${projection}: building generation ${to} from ${topic} (group ${groupId}) while generation ${from} serves`);
  const consumer = await startMskEventSourceMapping({
    functionName: `replay-${fn.name}`,
    event: { topic, batchSize: 1_000, maximumBatchingWindow: 0, startingPosition: 'TRIM_HORIZON' },
    groupId,
    brokers: options.brokers,
    eventSourceArn: 'arn:aws:kafka:local:000000000000:cluster/triplane-operations/replay',
    // The mapping hands over the event's JSON text, as Lambda's runtime API does: the handler gets it parsed.
    invoke: (event) => handler(receivedEvent(event) as never, lambdaContext(`replay-${fn.name}`, 60, 512) as never),
    onInvocation: ({ ok, records: count }) => {
      if (ok) records += count;
    },
  });
  try {
    await waitCaughtUp(admin, groupId, topic);
    await options.redis.set(generationPointerKey(options.namespace, projection), String(to));
    log(`[replay] ${projection}: caught up after ${records} records; reads now use generation ${to}`);
    await waitCaughtUp(admin, groupId, topic);
  } finally {
    await consumer.disconnect();
  }
  await sleep(options.graceMs ?? 1_000);
  const oldKeysDeleted = await deleteGeneration(options.redis, options.namespace, projection, from);
  const seconds = (performance.now() - started) / 1000;
  log(`[replay] ${projection}: generation ${from} removed (${oldKeysDeleted} keys); ${records} records in ${seconds.toFixed(1)} s`);
  return { projection, from, to, records, seconds, oldKeysDeleted };
}
