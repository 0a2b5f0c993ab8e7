import { contentDigest } from '../shared/envelope/contentDigest';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import type { CacheClient } from '@aws-lambda-powertools/idempotency/cache/types';
import type { Redis } from 'ioredis';
import { lambdaContext } from '../emulator/runtime/lambdaContext';
import { createEnvelope, type Envelope } from '../shared/envelope/envelope';
import type { ScoreRecorded } from '../shared/envelope/eventCatalog';
import { marksFirst } from '../shared/middleware/idempotency/batchIdempotency';
import type { PartitionSpan } from '../shared/middleware/batch/partitionSpans';
import { CommittedOffsets } from '../shared/middleware/idempotency/committedOffsets';
import { nextOffsetsOf, partitionNameOf } from '../shared/middleware/idempotency/offsetGaps';
import { RedisIdempotencyStore } from '../shared/middleware/idempotency/RedisIdempotencyStore';
import { projectionKeys } from '../shared/state/projectionKeys';
import { command } from '../shared/state/RedisOp';
import { BENCH_NAMESPACE } from './benchEnvironment';
import { ratioOf, type BenchmarkResult } from './benchmarkResult';
import { benchRedis, benchRedisAsFunction, deleteBenchKeys } from './benchRedis';
import { facts as leaderboardFacts } from '../functions/project-leaderboards/function';
import { RUN_ID } from './benchRun';
import { median, percentile, quantilePoints } from './statistics';

const BATCH = 500;
const WARMUP_BATCHES = 3;
const BATCHES = 30;
/**
 * triplane's side and the raw pipeline take a few ms per batch, so 30 of them are a fraction of a
 * second, and a burst of load from whatever else runs on the machine moved their medians by a third
 * from run to run; they get three times as many batches, and every series is taken in six rounds.
 */
const FAST_BATCHES = 3 * BATCHES;
const ROUNDS = 6;
const SEQUENTIAL_BATCHES = 5;
/** Issue 17's aims: 5x Powertools' Redis layer, and half the speed of the same writes with no idempotency at all. */
const AIM_FACTOR = 5;
const AIM_SHARE_OF_RAW = 0.5;
/** Marks outlive Kafka's retention in triplane (8 days); Powertools gets the same expiry. */
const TTL_SECONDS = 8 * 24 * 3600;
const CONSUMER = 'project-leaderboards';

/**
 * Powertools' cache persistence layer expects a node-redis style client (`set(key, value, {EX, NX})`,
 * `del([keys])`); this adapts ioredis to it without adding any work of its own.
 */
function powertoolsClient(redis: Redis): CacheClient {
  return {
    get: (name) => redis.get(name),
    set: (name, value, options) => {
      const { EX, NX } = (options ?? {}) as { EX?: number; NX?: boolean };
      const key = String(name);
      const text = String(value);
      if (EX !== undefined && NX === true) return redis.set(key, text, 'EX', EX, 'NX');
      if (EX !== undefined) return redis.set(key, text, 'EX', EX);
      return NX === true ? redis.set(key, text, 'NX') : redis.set(key, text);
    },
    del: (keys) => redis.del(...keys),
  };
}

/**
 * Idempotent application of a batch of 500 `score.recorded` events (one ZINCRBY each), same Redis.
 *
 * triplane: RedisIdempotencyStore as batchIdempotency uses it for a projection (a pure handler) on one
 * partition: one MGET of the partition's next offset (a fresh batch reads no marks: marksFirst), then
 * one atomic script that per event sets its mark if absent (SET NX GET) and only then runs its writes,
 * and moves the offset on. Powertools 2.35 (`@aws-lambda-powertools/idempotency/cache`, its
 * Redis/Valkey layer, over ioredis): `makeIdempotent` per record, keyed on the event id, doing the same
 * ZINCRBY. Records run concurrently (Promise.all, as Powertools' BatchProcessor does by default), its
 * best case; one record after the other is reported too. A raw pipeline of the 500 ZINCRBY with no
 * idempotency at all shows the floor. Every side logs in as project-leaderboards' own Redis user, as
 * deployed (security is on by default); the baselines on Redis's default user are reported beside, as
 * information.
 *
 * Every batch of the main figure has fresh event ids, so every record really is applied (no duplicate
 * short-cuts). Beside it, the same batch delivered a second time (a Lambda retry after a failure): it
 * starts below the partition's next offset, so triplane reads its marks first and drops every record
 * before the handler; Powertools finds each record's completed entry.
 */
export async function idempotencyBenchmark(): Promise<BenchmarkResult> {
  const started = performance.now();
  const redis = benchRedis();
  const keys = await projectionKeys(redis, BENCH_NAMESPACE, 'leaderboards');
  const scope = keys.idempotency(CONSUMER, '');
  const board = keys.leaderboard(`idem-${RUN_ID}`);
  // As project-leaderboards runs it: logged in as its own ACL user (marks and boards are its families).
  // Security is on by default, so the same writes with no idempotency, and Powertools' layer, are made
  // as that user too in the main rows: Redis matches each of their keys against the same patterns.
  // The default user's figures stay as information rows (how the baselines were measured before).
  const functionRedis = benchRedisAsFunction(leaderboardFacts);
  const store = new RedisIdempotencyStore({ redis: functionRedis, ttlSeconds: TTL_SECONDS });

  const config = new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: TTL_SECONDS });
  // A Lambda context, as in a handler: Powertools uses its remaining time for the in-progress expiry.
  config.registerLambdaContext(lambdaContext('triplane-bench-powertools', 60, 512));
  /** Powertools' layer over `client`; its records are kept among the function's own marks (its idem family), where its user may write. */
  const powertoolsOver = (client: Redis, keyPrefix: string) =>
    makeIdempotent(
      async (event: Envelope<ScoreRecorded>) => {
        await client.zincrby(board, event.data.points, event.data.userId);
        return { applied: true };
      },
      { persistenceStore: new CachePersistenceLayer({ client: powertoolsClient(client) }), config, keyPrefix },
    );
  const applyWithPowertools = powertoolsOver(functionRedis, `${scope}powertools`);
  const applyWithPowertoolsAsDefault = powertoolsOver(redis, `${BENCH_NAMESPACE}:powertools`);

  let serial = 0;
  interface BenchBatch {
    events: Array<Envelope<ScoreRecorded>>;
    /** Where the batch lies on the one partition triplane's side keeps its next offset for. */
    spans: PartitionSpan[];
  }
  const batchOfEvents = (): BenchBatch => {
    const first = BigInt(serial);
    const events = Array.from({ length: BATCH }, () => {
      const n = serial++;
      const data = { board: `idem-${RUN_ID}`, userId: `u${n % 1_000}`, points: 1 + (n % 50) };
      return createEnvelope({ type: 'score.recorded', version: 1, key: data.userId, data, source: 'triplane/bench' });
    });
    return { events, spans: [{ topic: `scores-${RUN_ID}`, partition: 0, first, last: first + BigInt(BATCH - 1) }] };
  };

  const committed = new CommittedOffsets();
  /**
   * What batchIdempotency does around a projection: the offsets first, unless the batch starts where
   * this process's last commit left its partition (committedOffsets.ts); on a redelivery the marks
   * too; then the script.
   */
  const applyOnce = async ({ events, spans }: BenchBatch) => {
    const marked = events.map((event) => ({ event, digest: contentDigest(event) }));
    const expected = committed.expectedIfConsecutive(scope, spans) ?? (await store.findApplied(scope, [], spans.map(partitionNameOf))).expected;
    const { marks } = marksFirst(spans, expected)
      ? await store.findApplied(
          scope,
          marked.map(({ event, digest }) => ({ eventId: event.id, digest })),
        )
      : { marks: new Map() };
    const entries = marked
      .filter(({ event }) => !marks.has(event.id))
      .map(({ event, digest }) => ({ eventId: event.id, digest, ops: [command('ZINCRBY', board, event.data.points, event.data.userId)] }));
    const offsets = nextOffsetsOf(spans);
    const result = await store.commit(scope, entries, offsets);
    if (result.denied === undefined) committed.remember(scope, offsets);
    return { applied: result.applied.length, dropped: marks.size + result.skipped.length };
  };
  const ours = async (batch: BenchBatch) => {
    const { applied } = await applyOnce(batch);
    if (applied !== BATCH) throw new Error(`triplane applied ${applied} of ${BATCH}`);
  };
  const oursRedelivered = async (batch: BenchBatch) => {
    const { applied, dropped } = await applyOnce(batch);
    if (applied !== 0 || dropped !== BATCH) throw new Error(`triplane applied ${applied} of a redelivered batch of ${BATCH} and dropped ${dropped}`);
  };
  const powertoolsConcurrent = async ({ events }: BenchBatch) => {
    await Promise.all(events.map((event) => applyWithPowertools(event)));
  };
  const powertoolsConcurrentAsDefault = async ({ events }: BenchBatch) => {
    await Promise.all(events.map((event) => applyWithPowertoolsAsDefault(event)));
  };
  const powertoolsSequential = async ({ events }: BenchBatch) => {
    for (const event of events) await applyWithPowertools(event);
  };
  const rawPipelineOver =
    (client: Redis) =>
    async ({ events }: BenchBatch) => {
      const pipeline = client.pipeline();
      for (const e of events) pipeline.zincrby(board, e.data.points, e.data.userId);
      await pipeline.exec();
    };
  const rawPipeline = rawPipelineOver(functionRedis);
  const rawPipelineAsDefault = rawPipelineOver(redis);

  /** Milliseconds per batch, each batch with fresh events built before the clock starts (and, with `first`, applied once before). */
  const timeBatches = async (apply: (batch: BenchBatch) => Promise<void>, batches: number, first?: (batch: BenchBatch) => Promise<void>): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < WARMUP_BATCHES + batches; i++) {
      const batch = batchOfEvents();
      if (first !== undefined) await first(batch);
      const t0 = performance.now();
      await apply(batch);
      if (i >= WARMUP_BATCHES) times.push(performance.now() - t0);
    }
    return times;
  };

  let oursMs: number[] = [];
  let powertoolsMs: number[] = [];
  let sequentialMs: number[] = [];
  let rawMs: number[] = [];
  let powertoolsAsDefaultMs: number[] = [];
  let rawAsDefaultMs: number[] = [];
  let redeliveredMs: number[] = [];
  let powertoolsRedeliveredMs: number[] = [];
  try {
    // Interleaved in rounds, so a burst of noise on the shared machine hits both sides alike.
    for (let round = 0; round < ROUNDS; round++) {
      oursMs = oursMs.concat(await timeBatches(ours, FAST_BATCHES / ROUNDS));
      powertoolsMs = powertoolsMs.concat(await timeBatches(powertoolsConcurrent, BATCHES / ROUNDS));
      rawMs = rawMs.concat(await timeBatches(rawPipeline, FAST_BATCHES / ROUNDS));
      powertoolsAsDefaultMs = powertoolsAsDefaultMs.concat(await timeBatches(powertoolsConcurrentAsDefault, BATCHES / ROUNDS));
      rawAsDefaultMs = rawAsDefaultMs.concat(await timeBatches(rawPipelineAsDefault, FAST_BATCHES / ROUNDS));
    }
    sequentialMs = await timeBatches(powertoolsSequential, SEQUENTIAL_BATCHES);
    for (let round = 0; round < 3; round++) {
      redeliveredMs = redeliveredMs.concat(await timeBatches(oursRedelivered, BATCHES / 3, ours));
      powertoolsRedeliveredMs = powertoolsRedeliveredMs.concat(await timeBatches(powertoolsConcurrent, BATCHES / 3, powertoolsConcurrent));
    }
  } finally {
    await deleteBenchKeys(redis);
    redis.disconnect();
    functionRedis.disconnect();
  }

  const rate = (ms: number[]) => (BATCH * 1000) / median(ms);
  const oursRate = rate(oursMs);
  const powertoolsRate = rate(powertoolsMs);
  const ratio = ratioOf(oursRate, powertoolsRate);
  return {
    name: 'idempotency',
    measuredAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    rows: [
      {
        figure: `records/s, batch of ${BATCH} (median of ${FAST_BATCHES} batches; Powertools ${BATCHES})`,
        value: oursRate,
        unit: 'rec/s',
        baseline: powertoolsRate,
        baselineLabel: "Powertools 2.35 cache layer, makeIdempotent per record, concurrent, as the function's Redis user",
        ratio,
        better: 'higher',
        ratioAs: 'factor',
        aim: `>= ${AIM_FACTOR}x Powertools`,
        met: ratio >= AIM_FACTOR,
      },
      {
        figure: 'records/s vs Powertools one record after the other',
        value: oursRate,
        unit: 'rec/s',
        baseline: rate(sequentialMs),
        baselineLabel: 'Powertools, sequential',
        ratio: ratioOf(oursRate, rate(sequentialMs)),
        better: 'higher',
        ratioAs: 'factor',
        aim: '',
      },
      {
        figure: 'records/s vs the same ZINCRBY with no idempotency',
        value: oursRate,
        unit: 'rec/s',
        baseline: rate(rawMs),
        baselineLabel: "raw ioredis pipeline, no marks, as the function's Redis user",
        ratio: ratioOf(oursRate, rate(rawMs)),
        better: 'higher',
        aim: `>= ${AIM_SHARE_OF_RAW * 100}% of no idempotency`,
        met: ratioOf(oursRate, rate(rawMs)) >= AIM_SHARE_OF_RAW,
      },
      {
        figure: "information: vs Powertools on Redis's default user (the main row's baseline before)",
        value: oursRate,
        unit: 'rec/s',
        baseline: rate(powertoolsAsDefaultMs),
        baselineLabel: 'Powertools, concurrent, default user (no ACL key patterns)',
        ratio: ratioOf(oursRate, rate(powertoolsAsDefaultMs)),
        better: 'higher',
        ratioAs: 'factor',
        aim: '',
      },
      {
        figure: "information: vs no idempotency on Redis's default user (the main row's baseline before)",
        value: oursRate,
        unit: 'rec/s',
        baseline: rate(rawAsDefaultMs),
        baselineLabel: 'raw ioredis pipeline, default user (no ACL key patterns)',
        ratio: ratioOf(oursRate, rate(rawAsDefaultMs)),
        better: 'higher',
        aim: '',
      },
      {
        figure: `records/s, the same batch of ${BATCH} delivered again (all duplicates)`,
        value: rate(redeliveredMs),
        unit: 'rec/s',
        baseline: rate(powertoolsRedeliveredMs),
        baselineLabel: 'Powertools, concurrent, the same batch again',
        ratio: ratioOf(rate(redeliveredMs), rate(powertoolsRedeliveredMs)),
        better: 'higher',
        ratioAs: 'factor',
        aim: '',
      },
    ],
    latencySeries: [
      { benchmark: `idempotency: ms per batch of ${BATCH}`, label: 'triplane atomic script (offsets known in process)', points: quantilePoints(oursMs) },
      { benchmark: `idempotency: ms per batch of ${BATCH}`, label: 'baseline: Powertools 2.35, concurrent', points: quantilePoints(powertoolsMs) },
      { benchmark: `idempotency: ms per batch of ${BATCH}`, label: 'baseline: raw pipeline, no idempotency', points: quantilePoints(rawMs) },
    ],
    notes: [
      `batch of ${BATCH} fresh score.recorded events applied with ZINCRBY; triplane = what batchIdempotency does for a projection: RedisIdempotencyStore findApplied of the partition's next offset (MGET of 1 key, skipped when the batch starts where this process's last commit left the partition; the marks too on a redelivery) + commit (atomic script: SET NX GET of each mark, its ZINCRBY, the offset), logged in as project-leaderboards' own ACL user; Powertools = makeIdempotent per record over its cache (Redis) persistence layer: SET NX of an in-progress record, the ZINCRBY, SET of the completed record (3 round trips per record).`,
      "Security is on by default: the main rows' baselines log in as the same function user as triplane (Powertools' records kept among its marks), so Redis checks their keys against the same ACL patterns; the two 'information' rows are the same baselines on Redis's default user, as measured before.",
    ],
    details: {
      batch: BATCH,
      batches: { triplaneAndRaw: FAST_BATCHES, powertools: BATCHES },
      batchMs: {
        triplane: { p50: median(oursMs), p99: percentile(oursMs, 99) },
        powertoolsConcurrent: { p50: median(powertoolsMs), p99: percentile(powertoolsMs, 99) },
        powertoolsSequential: { p50: median(sequentialMs), p99: percentile(sequentialMs, 99) },
        rawPipeline: { p50: median(rawMs), p99: percentile(rawMs, 99) },
        powertoolsConcurrentAsDefault: { p50: median(powertoolsAsDefaultMs), p99: percentile(powertoolsAsDefaultMs, 99) },
        rawPipelineAsDefault: { p50: median(rawAsDefaultMs), p99: percentile(rawAsDefaultMs, 99) },
        triplaneRedelivered: { p50: median(redeliveredMs), p99: percentile(redeliveredMs, 99) },
        powertoolsRedelivered: { p50: median(powertoolsRedeliveredMs), p99: percentile(powertoolsRedeliveredMs, 99) },
      },
      samplesMs: {
        triplane: oursMs,
        powertoolsConcurrent: powertoolsMs,
        powertoolsSequential: sequentialMs,
        rawPipeline: rawMs,
        powertoolsConcurrentAsDefault: powertoolsAsDefaultMs,
        rawPipelineAsDefault: rawAsDefaultMs,
        triplaneRedelivered: redeliveredMs,
        powertoolsRedelivered: powertoolsRedeliveredMs,
      },
    },
  };
}
