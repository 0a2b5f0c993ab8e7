import * as z from 'zod';
import { oncePerInvocation } from '../resilience/invocationDeadline';
import { ConfigError, environmentReader, text, url, wholeNumber } from './environmentReader';

/**
 * Everything a function reads from its environment, in one place, typed and checked: Lambda sets
 * these from serverless.yml (and the stack), `npm start` and the tests from the local services. A
 * value that is set but wrong stops the function with an error naming the variable, instead of a
 * silent default. Read at call time (cached while the environment is unchanged), because the local
 * runtime and the tests set variables after the handler modules have loaded, as Lambda never does.
 */
const share = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number from 0 to 1')
  .transform(Number)
  .optional()
  .transform((n) => n ?? 0);
// arn:PARTITION:SERVICE:...; the tests' local Secrets Manager names its secrets arn:secret:NAME.
const arn = z.string().regex(/^arn:[a-z0-9-]+:./, 'must be an ARN (arn:partition:service:...)');
const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true');

const SCHEMA = z.object({
  // Redis (ElastiCache deployed): the URL, and the secret holding this function's own user.
  REDIS_URL: url.optional().transform((v) => v ?? 'redis://127.0.0.1:6379'),
  REDIS_SECRET_ARN: arn.optional(),
  /** The sandbox providers' ledger (the outside world's books): the same Redis unless given. */
  REDIS_SANDBOX_URL: url.optional(),
  // A key prefix and part of every ACL pattern: no ':' (it would pose as another key) nor glob characters.
  TRIPLANE_REDIS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
    .optional(),
  TRIPLANE_PROFILE: z.enum(['dev', 'test']).optional(),
  // Kafka: an explicit broker list (local, or any Kafka), else MSK's bootstrap brokers from the cluster ARN (IAM auth).
  KAFKA_BROKERS: text.optional(),
  KAFKA_SSL: flag,
  MSK_CLUSTER_ARN: arn.optional(),
  AWS_REGION: text.optional(),
  AWS_LAMBDA_FUNCTION_NAME: text.optional(),
  /** Where Lambda unpacked the function (set by Lambda only; the packaged-zip test sets it too): shared/clients/sharedClients. */
  LAMBDA_TASK_ROOT: text.optional(),
  // RabbitMQ: a URL (local), or Amazon MQ's endpoint and the secret of this function's user; the management API for the deploy hook.
  RABBITMQ_URL: url.optional(),
  RABBITMQ_ENDPOINT: url.optional(),
  RABBITMQ_SECRET_ARN: arn.optional(),
  RABBITMQ_MANAGEMENT_URL: url.optional(),
  // Limits and lifetimes.
  TRIPLANE_HOP_LIMIT: wholeNumber(0, 10),
  TRIPLANE_IDEMPOTENCY_TTL_SECONDS: wholeNumber(1, 8 * 24 * 3600),
  TRIPLANE_SAGA_TTL_SECONDS: wholeNumber(1, 30 * 86_400),
  TRIPLANE_RATE_LIMIT: wholeNumber(1, 1_000),
  TRIPLANE_RATE_LIMIT_WINDOW_SECONDS: wholeNumber(1, 1),
  // API keys: a list (local), or the Secrets Manager secret holding them (deployed), re-read every TTL.
  TRIPLANE_API_KEYS: z.string().optional(),
  TRIPLANE_API_KEYS_SECRET_ARN: z.string().optional(),
  TRIPLANE_API_KEYS_TTL_SECONDS: wholeNumber(0, 60),
  TRIPLANE_METRICS_NAMESPACE: text.optional().transform((v) => v ?? 'triplane'),
  // The audit archive: S3 deployed, a folder locally.
  ARCHIVE_BUCKET: text.optional(),
  ARCHIVE_PREFIX: z
    .string()
    .optional()
    .transform((v) => v ?? ''),
  TRIPLANE_ARCHIVE_DIR: text.optional(),
  // Sandbox providers only (local runs, the fault suite): added latency and a share of random failures.
  TRIPLANE_SANDBOX_LATENCY_MS: wholeNumber(0, 0),
  TRIPLANE_SANDBOX_FAILURE_RATE: share,
});

export type FunctionConfig = z.output<typeof SCHEMA>;

/** The names of every variable a function reads itself (the Powertools libraries read their own POWERTOOLS_*). */
export const FUNCTION_VARIABLES: readonly string[] = Object.keys(SCHEMA.shape);

export { ConfigError };

const KEEP_EMPTY: ReadonlySet<string> = new Set(['TRIPLANE_API_KEYS', 'ARCHIVE_PREFIX']);

const CONFIG_SLOT = Symbol('functionConfig');

const read = environmentReader(SCHEMA, { keepEmpty: KEEP_EMPTY, error: (message) => new ConfigError(message) });

/**
 * The function's configuration from `env` (process.env by default); throws a ConfigError naming every
 * wrong variable. An empty value counts as unset, except a key list, where "set but empty" must fail
 * closed as a list without keys (shared/middleware/http/apiKeySource).
 */
export function functionConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  if (env !== process.env) return read(env, false);
  // Read once per invocation: Lambda sets the environment before the handler loads and never changes
  // it during an invocation. Even the cached read checks all ~30 variables through process.env's
  // interceptor, about 50 us in a worker thread: a workflow step reads its configuration per provider
  // call, and that was 4% of a step worker's CPU profile (README, workflow profile).
  return oncePerInvocation(CONFIG_SLOT, () => read(env, true));
}
