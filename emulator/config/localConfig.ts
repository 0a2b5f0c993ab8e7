import { homedir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { ConfigError, environmentReader, text, url, wholeNumber } from '../../shared/config/environmentReader';

/**
 * Everything the local tools read from their environment (the services setup, the operations commands,
 * tools/, the test kit, the fault suite and the benchmarks), in one place, typed and checked once: a
 * value that is set but wrong stops the tool with an error naming the variable, instead of a silent
 * default (TRIPLANE_PROFILE=tset used to mean the dev profile). The functions' own variables are read by
 * shared/config/functionConfig.ts; the two share names where both read one (KAFKA_BROKERS, REDIS_URL).
 *
 * Writes go through here too (setEnvironment, setEnvironmentDefaults, childEnvironment): the tools set
 * what the functions they load or spawn will read, and the cache below must see those writes.
 */
const hostPort = /^[A-Za-z0-9_.-]+:\d{1,5}$/;
/** Comma-separated host:port; blanks around commas are allowed, as shells and CI files leave them. */
const brokerList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  )
  .refine((brokers) => brokers.length > 0 && brokers.every((broker) => hostPort.test(broker)), 'must be comma-separated host:port');
const brokersOr = (fallback: string) => brokerList.optional().transform((brokers) => brokers ?? fallback.split(','));

const SCHEMA = z.object({
  /** Which local system: dev (`npm start`) or test (the tests' own Kafka, vhost and archive: emulator/services/localPaths). */
  TRIPLANE_PROFILE: z
    .enum(['dev', 'test'], { error: 'must be dev or test' })
    .optional()
    .transform((v) => v ?? 'dev'),
  /** A Kafka of the caller's instead of this checkout's local one. */
  KAFKA_BROKERS: brokerList.optional(),
  KAFKA_SSL: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true'),
  MSK_CLUSTER_ARN: z
    .string()
    .regex(/^arn:[a-z0-9-]+:./, 'must be an ARN (arn:partition:service:...)')
    .optional(),
  /** 1: the profile's local Kafka starts from empty storage (`npm test`). */
  TRIPLANE_FRESH_KAFKA: z
    .enum(['0', '1'], { error: 'must be 0 or 1' })
    .optional()
    .transform((v) => v === '1'),
  REDIS_URL: url.optional().transform((v) => v ?? 'redis://127.0.0.1:6379'),
  RABBITMQ_URL: url.optional(),
  /** The local runtime's HTTP port. */
  PORT: wholeNumber(1, 3000).refine((n) => n <= 65_535, 'must be a port number (1 to 65535)'),
  /** The HTTP API keys `npm start` and `npm run invoke` use (emulator/runtime/localApiKeys checks them). */
  TRIPLANE_API_KEYS: z.string().optional(),
  RABBITMQ_MANAGEMENT_URL: url.optional(),
  TRIPLANE_ARCHIVE_DIR: text.optional(),
  /** Added to every consumer group name the doctor checks (the runtime's own suffix). */
  TRIPLANE_GROUP_SUFFIX: z
    .string()
    .optional()
    .transform((v) => v ?? ''),
  /** Tools built or fetched for the project (Kafka's jars, toxiproxy), kept between runs and clones. */
  TRIPLANE_CACHE_DIR: text.optional().transform((v) => v ?? join(homedir(), '.cache', 'triplane')),
  // The fault suite (test/faults): small for CI (under ~4 min on 2 cores), full for a person.
  FAULTS_SIZE: z
    .enum(['small', 'full'], { error: 'must be small or full' })
    .optional()
    .transform((v) => v ?? 'full'),
  /** Only the scenarios whose names contain one of these (comma-separated, any case). */
  FAULTS_ONLY: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    )
    .optional(),
  // The benchmarks (bench/).
  TPBENCH_READ_CONNECTIONS: wholeNumber(1, 10),
  TPBENCH_PROJECTION_RECORDS: wholeNumber(1, 100_000),
  /** The soak's length (`npm run bench -- soak`): 10 minutes as BENCHMARKS.md asks; shorter to try it out. */
  TPBENCH_SOAK_SECONDS: wholeNumber(30, 600),
  /** How often the soak prints its line of figures (it samples every 5 s whatever this is). */
  TPBENCH_SOAK_REPORT_SECONDS: wholeNumber(5, 60),
  // The Kafka clients benchmark (bench/kafkaClientsBenchmark.ts) runs on brokers of the caller's.
  KAFKA_BENCH_SINGLE: brokersOr('127.0.0.1:29098'),
  KAFKA_BENCH_CLUSTER: brokersOr('127.0.0.1:29092,127.0.0.1:29094,127.0.0.1:29096'),
  KAFKA_BENCH_CLUSTER_DIR: text.optional().transform((v) => v ?? '/tmp/clients-kafka'),
  KAFKA_BENCH_REPEATS: wholeNumber(1, 3),
  KAFKA_BENCH_FAULT_REPEATS: wholeNumber(0, 1),
  KAFKA_BENCH_RESULTS: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a file name without extension (letters, digits, _ or -)')
    .optional()
    .transform((v) => v ?? 'kafka-clients'),
});

export type LocalConfig = z.output<typeof SCHEMA>;

export class LocalConfigError extends ConfigError {
  constructor(message: string) {
    super(message, 'LocalConfigError');
  }
}

const read = environmentReader(SCHEMA, { error: (message) => new LocalConfigError(message) });

/**
 * The local tools' configuration from `env` (process.env by default); throws a LocalConfigError naming
 * every wrong variable. An empty value counts as unset. Read at call time and cached while the
 * variables are unchanged: the test kit and the benchmarks set some before the tools read them.
 */
export function localConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  return read(env, env === process.env);
}

/** Sets (or, for undefined, removes) variables of this process: what the functions it loads, and its children, read. */
export function setEnvironment(values: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
}

/** Sets the variables that are unset (an empty one stays: a key list set empty must fail closed); returns the previous values, for setEnvironment to restore. */
export function setEnvironmentDefaults(values: Readonly<Record<string, string>>): Record<string, string | undefined> {
  const previous: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    previous[name] = process.env[name];
    process.env[name] ??= value;
  }
  return previous;
}

/** This process's environment with `overrides` (undefined removes one): what a spawned child gets. */
export function childEnvironment(overrides: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) Reflect.deleteProperty(env, name);
    else env[name] = value;
  }
  return env;
}
