import { startLocalRuntime, type LocalRuntime } from '../emulator/runtime/startLocalRuntime';

/**
 * The local runtime of one e2e test file, as `npm start` runs it (API keys, functions as their own
 * users), on a free port and with consumer groups of its own (`label` plus the run), started before
 * the file's tests and stopped after them. Read `url` inside tests, once the runtime is up.
 */
export function localRuntimeForTests(label: string, log: (line: string) => void = () => undefined): { readonly url: string } {
  let runtime: LocalRuntime | undefined;
  const run = `${Date.now().toString(36)}-${process.pid}`;
  beforeAll(async () => {
    runtime = await startLocalRuntime({ port: 0, groupIdSuffix: `-${label}-${run}`, log });
  }, 60_000);
  afterAll(async () => {
    await runtime?.stop();
  });
  return {
    get url(): string {
      if (runtime === undefined) throw new Error('the test runtime is not started: read url inside a test');
      return runtime.url;
    },
  };
}
