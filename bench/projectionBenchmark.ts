import type { Consumer, Message } from 'kafkajs';
import { loadFunction } from '../emulator/runtime/loadedFunction';
import { functionEnvironment } from '../emulator/runtime/functionEnvironment';
import { startMskEventSourceMapping } from '../emulator/runtime/mskEventSourceMapping';
import { subscriptionsOf, type MskSubscription } from '../shared/routes/functionCatalog';
import { PROJECT_ROOT } from '../emulator/services/localPaths';
import { createEnvelope } from '../shared/envelope/envelope';
import { toKafkaMessage } from '../shared/envelope/toKafkaMessage';
import type { BatchSummary } from '../shared/middleware/batch/batchHandler';
import { projectionKeys } from '../shared/state/projectionKeys';
import { BENCH_NAMESPACE, kafkaBrokers } from './benchEnvironment';
import { benchKafka, benchProducer, createBenchTopic, produceAll } from './benchKafka';
import { ratioOf, type BenchmarkResult } from './benchmarkResult';
import { applyScoresBare, benchRedis, deleteBenchKeys, deleteKeys } from './benchRedis';
import { deferred, RUN_ID, wiredFunction } from './benchRun';
import { withTimeout } from '../testkit/withTimeout';
import { childEnvironment, localConfig, setEnvironment } from '../emulator/config/localConfig';
import { median, round } from './statistics';

const RECORDS = localConfig().TPBENCH_PROJECTION_RECORDS;
const REPETITIONS = 3;
const BOARDS = 20;
const USERS = 5_000;
const PARTITIONS = 12;
/**
 * Records/s from Kafka into Redis: this share of the bare loop on the same broker, the aim of
 * ../shared/BENCHMARKS.md and issue 17. The rate alone is not judged: the contract holds an absolute
 * figure only beside its same-run baseline, and the bare loop itself moved 41,000-78,000 records/s
 * between runs of one day on this machine.
 */
const AIM_SHARE = 0.6;
const PASS_TIMEOUT_MS = 60_000;

interface Pass {
  /** From the group joined (the consumer's run() resolved) to the last record applied in Redis. */
  seconds: number;
  recordsPerSecond: number;
  joinSeconds: number;
  invocations?: number;
  /**
   * CPU this process spent per record over the pass (every thread: the benchmark's, V8's GC helpers,
   * libuv's), in microseconds. Steadier than the rates on a shared machine: time the thread waits for a
   * core is not in it.
   */
  cpuMicrosPerRecord: number;
}

/** When a pass ended: the clock and the process's CPU then. */
interface PassEnd {
  at: number;
  cpu: NodeJS.CpuUsage;
}
const passEnd = (): PassEnd => ({ at: performance.now(), cpu: process.cpuUsage() });
const cpuMicrosPerRecord = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage): number => (to.user - from.user + to.system - from.system) / RECORDS;

/**
 * Projection throughput: N `score.recorded` records already in a 12-partition topic, read by a fresh
 * consumer group, until every record is applied in Redis.
 *
 * triplane: the local runtime's MSK event source mapping (batches of serverless.yml's batchSize, offsets
 * committed after each invocation) invoking the real project-leaderboards handler: decode, hop guard,
 * dead letters, batch idempotency (MGET + the atomic apply script), invocation log.
 * Baseline: a bare kafkajs consumer, same fetch settings, that parses each value and writes the same
 * ZINCRBY commands in one ioredis pipeline per batch, with kafkajs' default auto-commit.
 *
 * The clock starts when the group has joined (run() resolved): group joins take the same time for both, so they are reported apart. Passes alternate, triplane first.
 */
export async function projectionBenchmark(): Promise<BenchmarkResult> {
  const started = performance.now();
  const topic = `tpbench-scores-${RUN_ID}`;
  const redis = benchRedis();
  // The keys of the leaderboards projection's current generation, as the handler resolves them per batch.
  const keys = await projectionKeys(redis, BENCH_NAMESPACE, 'leaderboards');
  await createBenchTopic(topic, PARTITIONS);

  const envelopes = Array.from({ length: RECORDS }, (_, i) => {
    const data = { board: `proj-${RUN_ID}-${i % BOARDS}`, userId: `u${(i * 7919) % USERS}`, points: 1 + (i % 100) };
    return createEnvelope({ type: 'score.recorded', version: 1, key: data.userId, data, source: 'triplane/bench' });
  });
  const messages: Message[] = envelopes.map(toKafkaMessage);
  const producer = await benchProducer('tpbench-projection-fill');
  const fillStarted = performance.now();
  // 6,000 per request: about 500 per partition, one record batch each. A fetch returns up to
  // maxBytesPerPartition of them per partition, so consumers get batches of several fills.
  await produceAll(producer, topic, messages, 6_000, 2);
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  await producer.disconnect();

  const fn = wiredFunction('projectLeaderboards');
  const [msk] = subscriptionsOf(fn);
  if (msk === undefined) throw new Error('projectLeaderboards has no msk event in serverless.yml');
  const mskEvent: MskSubscription = msk;
  // As the runtime invokes it: this process is the function, as its worker would be, logged in as its own
  // Redis user (runBenchmarks made the users for this namespace).
  setEnvironment(functionEnvironment(fn, 'triplane-bench-projectLeaderboards', childEnvironment()));
  const invoke = loadFunction(PROJECT_ROOT, fn, 'triplane-bench-projectLeaderboards');
  const marks = envelopes.map((envelope) => keys.idempotency('project-leaderboards', envelope.id));

  const ours: Pass[] = [];
  const bare: Pass[] = [];
  const problems: string[] = [];
  try {
    for (let rep = 1; rep <= REPETITIONS; rep++) {
      // Each pass must apply everything again, not skip it as already applied.
      await deleteKeys(redis, marks);
      ours.push(await triplanePass(rep));
      bare.push(await barePass(rep));
    }
  } finally {
    await deleteBenchKeys(redis);
    redis.disconnect();
  }

  async function triplanePass(rep: number): Promise<Pass> {
    let processed = 0;
    let duplicates = 0;
    let invocations = 0;
    const done = deferred<PassEnd>();
    const joinStarted = performance.now();
    const consumer = await startMskEventSourceMapping({
      functionName: 'triplane-bench-projectLeaderboards',
      event: { ...mskEvent, topic },
      groupId: `tpbench-proj-ours-${RUN_ID}-${rep}`,
      brokers: kafkaBrokers(),
      eventSourceArn: 'arn:aws:kafka:local:000000000000:cluster/triplane-bench/bench',
      onInvocation: ({ ok, error }) => {
        if (!ok) problems.push(`pass ${rep}: invocation failed: ${error instanceof Error ? error.message : String(error)}`);
      },
      invoke: async (event) => {
        const summary = (await invoke(event)) as BatchSummary;
        invocations++;
        processed += summary.processed;
        duplicates += summary.duplicates;
        if (summary.duplicates > 0 || summary.deadLettered > 0) problems.push(`pass ${rep}: ${summary.duplicates} duplicates, ${summary.deadLettered} dead-lettered`);
        // A batch that failed after it was applied comes back as duplicates: every record has been applied once then.
        if (processed + duplicates >= RECORDS) done.resolve(passEnd());
        return summary;
      },
    });
    const joined = performance.now();
    const cpuAtJoin = process.cpuUsage();
    try {
      const finished = await withTimeout(done.promise, PASS_TIMEOUT_MS, () => `triplane pass ${rep}: ${processed} of ${RECORDS} applied; ${problems.slice(-1).join('')}`);
      const seconds = (finished.at - joined) / 1000;
      return { seconds, recordsPerSecond: RECORDS / seconds, joinSeconds: (joined - joinStarted) / 1000, invocations, cpuMicrosPerRecord: cpuMicrosPerRecord(cpuAtJoin, finished.cpu) };
    } finally {
      await consumer.disconnect();
    }
  }

  async function barePass(rep: number): Promise<Pass> {
    let applied = 0;
    const done = deferred<PassEnd>();
    const consumer: Consumer = benchKafka('tpbench-projection-bare').consumer({
      groupId: `tpbench-proj-bare-${RUN_ID}-${rep}`,
      maxWaitTimeInMs: 100,
      minBytes: 1,
      maxBytesPerPartition: 6 * 1024 * 1024,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    const joinStarted = performance.now();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        // Awaited first: `applied += await ...` would read `applied` before the await and lose the
        // other partitions' concurrent additions.
        const count = await applyScoresBare(redis, keys.leaderboard, batch.messages);
        applied += count;
        if (applied >= RECORDS) done.resolve(passEnd());
      },
    });
    const joined = performance.now();
    const cpuAtJoin = process.cpuUsage();
    try {
      const finished = await withTimeout(done.promise, PASS_TIMEOUT_MS, () => `bare pass ${rep}: ${applied} of ${RECORDS} applied`);
      const seconds = (finished.at - joined) / 1000;
      return { seconds, recordsPerSecond: RECORDS / seconds, joinSeconds: (joined - joinStarted) / 1000, cpuMicrosPerRecord: cpuMicrosPerRecord(cpuAtJoin, finished.cpu) };
    } finally {
      await consumer.disconnect();
    }
  }

  const oursRate = median(ours.map((p) => p.recordsPerSecond));
  const bareRate = median(bare.map((p) => p.recordsPerSecond));
  const ratio = ratioOf(oursRate, bareRate);
  return {
    name: 'projection',
    measuredAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    rows: [
      {
        figure: 'records/s Kafka -> full middleware -> Redis (median of 3)',
        value: oursRate,
        unit: 'rec/s',
        baseline: bareRate,
        baselineLabel: 'bare kafkajs eachBatch, one ZINCRBY pipeline per batch',
        ratio,
        better: 'higher',
        aim: `>= ${AIM_SHARE * 100}%`,
        met: ratio >= AIM_SHARE,
      },
    ],
    latencySeries: [],
    notes: [
      `${RECORDS.toLocaleString('en-US')} score.recorded records in a fresh ${PARTITIONS}-partition topic, read by a fresh group per pass; clock from group joined to last record applied (joins took ${round(median(ours.map((p) => p.joinSeconds)))} s, excluded). triplane = runtime MSK mapping (batch ${msk.batchSize}, commit per invocation) + real project-leaderboards handler, as its own Redis user.`,
      `Process CPU per record (medians; every thread of this process, not the waits for a core): triplane ${round(median(ours.map((p) => p.cpuMicrosPerRecord)))} us, bare loop ${round(median(bare.map((p) => p.cpuMicrosPerRecord)))} us.`,
      ...(problems.length > 0 ? [`unexpected: ${problems.slice(0, 3).join('; ')}`] : []),
    ],
    details: { records: RECORDS, partitions: PARTITIONS, batchSize: msk.batchSize, fillSeconds, fillRecordsPerSecond: RECORDS / fillSeconds, ours, bare, problems },
  };
}
