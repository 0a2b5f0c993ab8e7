import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localConfig, setEnvironment, setEnvironmentDefaults } from '../emulator/config/localConfig';

/**
 * The environment every handler sees during the benchmarks. Imported first by the entry point: handlers
 * read their configuration at module load, as on Lambda, so this must run before any of them loads.
 *
 * - a Redis namespace of the run's own (`tpbench-...`), so no key of a running system, of the tests or
 *   of another benchmark run is read or removed (runBenchmarks removes its keys and users at the end);
 * - a Kafka of the benchmarks' own (testkit/privateKafka: runBenchmarks sets KAFKA_BROKERS when it
 *   started it) and a RabbitMQ virtual host of the run's own (testkit/privateVhost);
 * - log level ERROR and no embedded metrics: one JSON line (and one EMF blob) per invocation on stdout
 *   would otherwise cost more than the work measured;
 * - an audit archive folder of the run's own (archive-events copies every topic it reads), removed at
 *   the end, so the benchmarks never fill the tests' or a running system's archive.
 */
export const BENCH_NAMESPACE = `tpbench-${process.pid.toString(36)}-${Date.now().toString(36)}`;
/** A RabbitMQ virtual host of the run's own (runBenchmarks creates it with testkit/privateVhost, topology declared, and deletes it). */
export const BENCH_VHOST = `tpbench-${process.pid.toString(36)}-${Date.now().toString(36)}`;
export const BENCH_RABBITMQ_URL = `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(BENCH_VHOST)}`;

/** Security on, as deployed: the runtime requires this key and every benchmark request sends it. */
export const BENCH_API_KEY = `tpbench-${randomBytes(24).toString('base64url')}`;
export const BENCH_HEADERS = { 'x-api-key': BENCH_API_KEY };
// The limiter runs on every request (its Lua step is part of what is measured), but one key drives the
// whole load here: at the default 1,000 requests/s per key the read benchmark's 2,000/s would measure
// 429s. A deployment sizes the limit to its clients; the benchmarks' is above any rate they reach.
export const BENCH_ARCHIVE_DIR = join(tmpdir(), `tpbench-archive-${process.pid}-${Date.now()}`);
setEnvironment({
  TRIPLANE_API_KEYS: BENCH_API_KEY,
  TRIPLANE_RATE_LIMIT: '1000000',
  TRIPLANE_PROFILE: 'test',
  TRIPLANE_REDIS_NAMESPACE: BENCH_NAMESPACE,
  RABBITMQ_URL: BENCH_RABBITMQ_URL,
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  POWERTOOLS_METRICS_DISABLED: 'true',
  TRIPLANE_ARCHIVE_DIR: BENCH_ARCHIVE_DIR,
  // Set by runBenchmarks once its Kafka runs; a KAFKA_BROKERS from the caller's shell would point the benchmarks elsewhere.
  KAFKA_BROKERS: undefined,
});
setEnvironmentDefaults({ REDIS_URL: 'redis://127.0.0.1:6379' });

/**
 * Under load, shared code adds one listener per concurrent call to shared emitters (publishConfirmed's
 * `return` listener on the one confirm channel; abort listeners on one AbortSignal), past Node's
 * warning threshold of 10. The warnings would flood the benchmark's output, so the threshold is raised
 * here; runBenchmarks.ts lists any process warning that still comes in the results' notes.
 */
setMaxListeners(1_000);

export const kafkaBrokers = (): string[] => localConfig().KAFKA_BROKERS ?? [];
