import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError, functionConfig } from '../../../../shared/config/functionConfig';
import { runWithDeadline } from '../../../../shared/resilience/invocationDeadline';

const root = PROJECT_ROOT;
const sourcesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });

describe('function configuration', () => {
  it('should give the documented defaults for an empty environment', () => {
    expect(functionConfig({})).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      KAFKA_SSL: false,
      TRIPLANE_HOP_LIMIT: 10,
      TRIPLANE_IDEMPOTENCY_TTL_SECONDS: 8 * 24 * 3600,
      TRIPLANE_SAGA_TTL_SECONDS: 30 * 86_400,
      TRIPLANE_RATE_LIMIT: 1_000,
      TRIPLANE_RATE_LIMIT_WINDOW_SECONDS: 1,
      TRIPLANE_API_KEYS_TTL_SECONDS: 60,
      TRIPLANE_METRICS_NAMESPACE: 'triplane',
      ARCHIVE_PREFIX: '',
      TRIPLANE_SANDBOX_FAILURE_RATE: 0,
    });
  });

  it('should read what is set, typed', () => {
    const config = functionConfig({
      TRIPLANE_HOP_LIMIT: '0',
      KAFKA_SSL: 'true',
      TRIPLANE_SANDBOX_FAILURE_RATE: '0.02',
      RABBITMQ_URL: 'amqp://u:p@127.0.0.1:5672/triplane-test',
      MSK_CLUSTER_ARN: 'arn:aws:kafka:eu-west-1:123456789012:cluster/t/1',
    });
    expect(config).toMatchObject({ TRIPLANE_HOP_LIMIT: 0, KAFKA_SSL: true, TRIPLANE_SANDBOX_FAILURE_RATE: 0.02, RABBITMQ_URL: 'amqp://u:p@127.0.0.1:5672/triplane-test' });
  });

  it.each([
    ['TRIPLANE_HOP_LIMIT', 'ten', /TRIPLANE_HOP_LIMIT="ten": must be a whole number >= 0/],
    ['TRIPLANE_HOP_LIMIT', '-1', /TRIPLANE_HOP_LIMIT="-1"/],
    ['TRIPLANE_RATE_LIMIT', '0', /TRIPLANE_RATE_LIMIT="0": must be a whole number >= 1/],
    ['TRIPLANE_IDEMPOTENCY_TTL_SECONDS', '1.5', /TRIPLANE_IDEMPOTENCY_TTL_SECONDS="1.5"/],
    ['KAFKA_SSL', 'yes', /KAFKA_SSL="yes"/],
    ['TRIPLANE_SANDBOX_FAILURE_RATE', '2', /TRIPLANE_SANDBOX_FAILURE_RATE="2": must be a number from 0 to 1/],
    ['REDIS_URL', 'not a url', /REDIS_URL="not a url": must be a URL/],
    ['REDIS_SECRET_ARN', 'my-secret', /REDIS_SECRET_ARN="my-secret": must be an ARN/],
    ['RABBITMQ_SECRET_ARN', 'arn:', /RABBITMQ_SECRET_ARN="arn:": must be an ARN/],
    ['TRIPLANE_REDIS_NAMESPACE', 'tp:other', /TRIPLANE_REDIS_NAMESPACE="tp:other"/],
    ['TRIPLANE_REDIS_NAMESPACE', 'tp*', /TRIPLANE_REDIS_NAMESPACE="tp\*"/],
    ['TRIPLANE_PROFILE', 'prod', /TRIPLANE_PROFILE="prod"/],
  ])('should refuse %s=%j with an error naming the variable', (name, value, message) => {
    expect(() => functionConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => functionConfig({ [name]: value })).toThrow(message);
  });

  it('should see a variable of the process environment changed, unset or set back after a cached read', () => {
    const before = process.env.TRIPLANE_HOP_LIMIT;
    try {
      process.env.TRIPLANE_HOP_LIMIT = '3';
      expect(functionConfig().TRIPLANE_HOP_LIMIT).toBe(3);
      expect(functionConfig().TRIPLANE_HOP_LIMIT).toBe(3);
      process.env.TRIPLANE_HOP_LIMIT = '4';
      expect(functionConfig().TRIPLANE_HOP_LIMIT).toBe(4);
      delete process.env.TRIPLANE_HOP_LIMIT;
      expect(functionConfig().TRIPLANE_HOP_LIMIT).toBe(10);
      process.env.TRIPLANE_HOP_LIMIT = '3';
      expect(functionConfig().TRIPLANE_HOP_LIMIT).toBe(3);
    } finally {
      if (before === undefined) delete process.env.TRIPLANE_HOP_LIMIT;
      else process.env.TRIPLANE_HOP_LIMIT = before;
    }
  });

  it('should read the environment once per invocation, and again in the next one', async () => {
    const before = process.env.TRIPLANE_HOP_LIMIT;
    try {
      process.env.TRIPLANE_HOP_LIMIT = '3';
      const during = await runWithDeadline(1_000, async () => {
        const first = functionConfig().TRIPLANE_HOP_LIMIT;
        process.env.TRIPLANE_HOP_LIMIT = '4';
        await new Promise((resolve) => setImmediate(resolve));
        return [first, functionConfig().TRIPLANE_HOP_LIMIT];
      });
      const next = runWithDeadline(1_000, () => functionConfig().TRIPLANE_HOP_LIMIT);

      expect(during).toEqual([3, 3]);
      expect(next).toBe(4);
      expect(functionConfig().TRIPLANE_HOP_LIMIT).toBe(4);
    } finally {
      if (before === undefined) delete process.env.TRIPLANE_HOP_LIMIT;
      else process.env.TRIPLANE_HOP_LIMIT = before;
    }
  });

  it('should name every wrong variable at once', () => {
    expect(() => functionConfig({ TRIPLANE_HOP_LIMIT: 'x', TRIPLANE_RATE_LIMIT: 'y' })).toThrow(/TRIPLANE_HOP_LIMIT="x".*; TRIPLANE_RATE_LIMIT="y"/);
  });

  it('should take an empty value for unset, except an API key list, which must fail closed as a list without keys', () => {
    expect(functionConfig({ TRIPLANE_HOP_LIMIT: '', REDIS_URL: '' })).toMatchObject({ TRIPLANE_HOP_LIMIT: 10, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(functionConfig({ TRIPLANE_API_KEYS: '' }).TRIPLANE_API_KEYS).toBe('');
  });

  it('should ignore inherited names and variables it does not know', () => {
    const env = Object.assign(Object.create({ TRIPLANE_HOP_LIMIT: 'inherited' }) as NodeJS.ProcessEnv, { constructor: 'x', __proto__: undefined, OTHER: 'y' });
    expect(functionConfig(env).TRIPLANE_HOP_LIMIT).toBe(10);
  });

  it('should be the only reader of the environment in the function code (shared/ and functions/)', () => {
    const readers = [...sourcesUnder(join(root, 'shared')), ...sourcesUnder(join(root, 'functions'))]
      .filter((path) => !path.endsWith(join('config', 'functionConfig.ts')))
      .filter((path) => /process\.env\b/.test(readFileSync(path, 'utf8').replace(/env: NodeJS\.ProcessEnv = process\.env/g, '')))
      .map((path) => relative(root, path));
    expect(readers).toEqual([]);
  });

  it('should leave the environment of the local tools to emulator/config/localConfig.ts (services, operations, tools, test kit, fault suite, benchmarks)', () => {
    const folders = ['emulator', 'operations', 'tools', 'testkit', 'test/faults', 'bench'];
    const readers = folders
      .flatMap((folder) => sourcesUnder(join(root, folder)))
      .filter((path) => path !== join(root, 'emulator', 'config', 'localConfig.ts'))
      // An `env = process.env` parameter is the one way in: callers (tests) hand their own environment.
      .filter((path) => /process\.env\b/.test(readFileSync(path, 'utf8').replace(/env: NodeJS\.ProcessEnv = process\.env/g, '')))
      .map((path) => relative(root, path));
    expect(readers).toEqual([]);
  });
});
