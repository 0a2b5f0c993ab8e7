import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { FunctionHost } from '../../../../emulator/runtime/functionHost';
import type { FunctionRoute, Trigger } from '../../../../shared/routes/functionCatalog';

/**
 * Each function in a worker thread of its own (no servers needed: the fixture handler touches none):
 * module state, environment and breakers are the function's own, as in a Lambda container of its own.
 */
jest.setTimeout(60_000);

const ROOT = PROJECT_ROOT;
const HTTP: Trigger = { kind: 'http', method: 'GET', path: '/fixture' };
const fixture = (timeoutSeconds = 3, trigger: Trigger = HTTP): FunctionRoute => ({
  name: 'fixture',
  key: 'fixture',
  modulePath: 'test/unit/emulator/runtime/workerFixture/handler',
  exportName: 'handler',
  description: 'a worker fixture touching no server',
  timeoutSeconds,
  memoryMb: 256,
  trigger,
  produces: [],
  publishes: [],
  redis: { reads: [], writes: [] },
});

const hosts: FunctionHost[] = [];
const hostOf = (name: string, timeoutSeconds?: number, trigger?: Trigger) => {
  const host = new FunctionHost(ROOT, fixture(timeoutSeconds, trigger), name);
  hosts.push(host);
  return host;
};

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
});

describe('FunctionHost', () => {
  it('should give each function its own module state and environment', async () => {
    const one = hostOf('fn-one');
    const two = hostOf('fn-two');
    await one.invoke({});
    expect(await one.invoke({})).toEqual({ invocations: 2, functionName: 'fn-one' });
    expect(await two.invoke({})).toEqual({ invocations: 1, functionName: 'fn-two' });
  });

  it("should give a batch function's worker a young generation larger than V8's default, and an HTTP function's V8's default", async () => {
    const queue: Trigger = { kind: 'rabbitmq', queue: 'fixture', batchSize: 10, maximumBatchingWindow: 0.5, basicAuthArn: 'unused' };
    const batch = (await hostOf('fn-batch-limits', 3, queue).invoke({ action: 'limits' })) as { youngGenerationMb: number };
    const http = (await hostOf('fn-http-limits').invoke({ action: 'limits' })) as { youngGenerationMb: number };
    expect(batch.youngGenerationMb).toBe(128);
    expect(http.youngGenerationMb).toBeLessThanOrEqual(48);
    expect(http.youngGenerationMb).toBeGreaterThan(0);
  });

  it("should keep one function's open breaker out of another's", async () => {
    const failing = hostOf('fn-failing');
    const healthy = hostOf('fn-healthy');
    for (let i = 0; i < 5; i++) await failing.invoke({ action: 'fail' });
    await healthy.invoke({});
    expect((await failing.figures())?.breakers).toMatchObject([{ name: 'redis', state: 'open', failures: 5 }]);
    expect((await healthy.figures())?.breakers).toEqual([]);
  });

  it("should pass the handler's error back with its name and message", async () => {
    await expect(hostOf('fn-throws').invoke({ action: 'throw' })).rejects.toMatchObject({ name: 'TypeError', message: 'bad input' });
  });

  it('should fail an invocation that outlives the timeout, as Lambda does', async () => {
    await expect(hostOf('fn-slow', 1).invoke({ action: 'sleep' })).rejects.toMatchObject({ name: 'FunctionTimeoutError', message: 'Task timed out after 1.00 seconds (fn-slow)' });
  });

  it('should hand the handler its event as JSON gives it, as Lambda does', async () => {
    const event = { action: 'echo', at: new Date('2026-12-06T12:00:00.000Z'), missing: undefined, records: { 't-0': [{ offset: 1, headers: [{ id: [104, -61] }] }] } };
    const answer = await hostOf('fn-echo').invoke(event);
    expect(answer).toEqual({ invocations: 1, functionName: 'fn-echo', event: { action: 'echo', at: '2026-12-06T12:00:00.000Z', records: { 't-0': [{ offset: 1, headers: [{ id: [104, -61] }] }] } } });
    expect(Object.keys((answer as { event: object }).event)).toEqual(['action', 'at', 'records']);
  });

  it('should refuse an event JSON cannot carry, without invoking the handler', async () => {
    const host = hostOf('fn-refuses');
    await expect(host.invoke({ action: 'echo', offset: 10n })).rejects.toThrow(TypeError);
    await expect(host.invoke(undefined)).rejects.toThrow('fn-refuses: an event must be a JSON value, not undefined');
    expect(await host.invoke({})).toEqual({ invocations: 1, functionName: 'fn-refuses' });
  });

  it('should start a fresh worker after one crashed, with fresh module state', async () => {
    const host = hostOf('fn-crashes');
    await host.invoke({});
    await expect(host.invoke({ action: 'crash' })).rejects.toThrow(/worker exited \(code 1\) during the invocation: uncaught in the handler/);
    expect(await host.invoke({})).toEqual({ invocations: 1, functionName: 'fn-crashes' });
  });
});
