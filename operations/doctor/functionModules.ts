import { join } from 'node:path';
import { closeRedisClient, redisClient } from '../../shared/clients/redisClient';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';
import type { HandlerGuards } from './requiredGuards';
import { setEnvironment, setEnvironmentDefaults } from '../../emulator/config/localConfig';

/** One function's handler module, as far as the doctor needs it. */
export interface FunctionModule {
  handler: HandlerGuards;
  /** The module's `projection` export (projection functions), unchecked: the projection check validates it. */
  projection: unknown;
}

/**
 * Placeholder settings for loading handler modules without a deployment around them. Modules only
 * connect on first use, except the batch handler's Redis client, which is closed again right after;
 * nothing here is ever invoked, so the values only have to be well-formed.
 */
const LOAD_ENV: Readonly<Record<string, string>> = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

const guardsOf = (handler: unknown): HandlerGuards => {
  if (typeof handler !== 'function') return { guards: undefined, loadError: 'exports no handler function' };
  const tags: unknown = Reflect.get(handler, 'triplaneGuards');
  return { guards: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : undefined };
};

/** Settings only fill gaps, and are taken back after: the doctor's own probes read the real environment. */
function withLoadEnv<T>(load: () => T): T {
  const saved = setEnvironmentDefaults(LOAD_ENV);
  try {
    return load();
  } finally {
    setEnvironment(saved);
  }
}

/**
 * Requires `functions/<name>/handler.ts` of each function. A module that throws on load is reported
 * as such (a load error fails the guard check) instead of stopping the doctor.
 */
export async function loadFunctionModules(functions: readonly FunctionRoute[], root: string): Promise<Map<string, FunctionModule>> {
  const modules = withLoadEnv(() => {
    const loaded = new Map<string, FunctionModule>();
    for (const fn of functions) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded synchronously, within withLoadEnv's settings; import() would run after they are taken back
        const exported: unknown = require(join(root, 'functions', fn.name, 'handler'));
        const handler: unknown = typeof exported === 'object' && exported !== null ? Reflect.get(exported, 'handler') : undefined;
        const projection: unknown = typeof exported === 'object' && exported !== null ? Reflect.get(exported, 'projection') : undefined;
        loaded.set(fn.name, { handler: guardsOf(handler), projection });
      } catch (error) {
        loaded.set(fn.name, { handler: { guards: undefined, loadError: `handler module failed to load: ${(error as Error).message}` }, projection: undefined });
      }
    }
    return loaded;
  });
  await releaseHandlerConnections();
  return modules;
}

/**
 * The batch handlers open the process's Redis connection when built. The doctor never invokes them,
 * so that connection is dropped at once, quietly: with Redis down it would otherwise retry and print
 * errors for as long as the doctor runs. The Redis check reports Redis's state itself.
 */
async function releaseHandlerConnections(): Promise<void> {
  const client = redisClient();
  client.on('error', () => undefined);
  client.disconnect();
  await closeRedisClient();
}
