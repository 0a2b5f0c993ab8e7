import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaMockStateFile } from '../local/services/localPaths';

/**
 * The environment every handler sees during the benchmarks. Imported first by the entry point: handlers
 * read their configuration at module load, as on Lambda, so this must run before any of them loads.
 *
 * - a Redis namespace of the benchmarks' own (`tpbench`), so no key of a running system or of the tests
 *   is read or removed;
 * - the tests' Kafka mock daemon and RabbitMQ virtual host (TRIPLANE_PROFILE=test), which `npm run bench`
 *   starts first;
 * - no idempotent producer (the mock reports controller id 0, so kafkajs' idempotent init fails);
 * - log level ERROR and no embedded metrics: one JSON line (and one EMF blob) per invocation on stdout
 *   would otherwise cost more than the work measured;
 * - an audit archive folder of the run's own (archive-events copies every topic it reads), removed at
 *   the end, so the benchmarks never fill the tests' or a running system's archive.
 */
export const BENCH_NAMESPACE = 'tpbench';
export const BENCH_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672/triplane-test';

process.env.TRIPLANE_PROFILE = 'test';
process.env.TRIPLANE_REDIS_NAMESPACE = BENCH_NAMESPACE;
process.env.KAFKA_IDEMPOTENT = 'false';
process.env.RABBITMQ_URL = BENCH_RABBITMQ_URL;
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
export const BENCH_ARCHIVE_DIR = join(tmpdir(), `tpbench-archive-${process.pid}-${Date.now()}`);
process.env.TRIPLANE_ARCHIVE_DIR = BENCH_ARCHIVE_DIR;
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
refreshKafkaBrokers();

/**
 * KAFKA_BROKERS from the daemon's state file. Called again after the local-start benchmark restarted
 * the daemon (new ports); the shared producer reads it when it first connects, which comes later.
 */
export function refreshKafkaBrokers(): string[] {
  const state = JSON.parse(readFileSync(kafkaMockStateFile('test'), 'utf8')) as { bootstrap: string };
  process.env.KAFKA_BROKERS = state.bootstrap;
  return state.bootstrap.split(',');
}

export const kafkaBrokers = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
