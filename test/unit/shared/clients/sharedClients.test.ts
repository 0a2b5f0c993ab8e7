import { setEnvironment } from '../../../../emulator/config/localConfig';

type SharedClients = typeof import('../../../../shared/clients/sharedClients');

/** Runs `test` on a fresh copy of the registry (its closers and its SIGTERM listener are per process), with `env` set meanwhile. */
async function withFreshRegistry(env: Record<string, string | undefined>, test: (registry: SharedClients) => Promise<void> | void): Promise<void> {
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  setEnvironment(env);
  try {
    let loaded: SharedClients | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('../../../../shared/clients/sharedClients') as SharedClients;
    });
    if (loaded === undefined) throw new Error('sharedClients did not load');
    await test(loaded);
  } finally {
    setEnvironment(previous);
  }
}

describe('shared clients', () => {
  it('should close every registered client once asked, even when one of them fails to close', async () => {
    await withFreshRegistry({ LAMBDA_TASK_ROOT: undefined }, async (registry) => {
      const closed: string[] = [];
      registry.closeOnShutdown(() => Promise.resolve(void closed.push('redis')));
      registry.closeOnShutdown(() => Promise.reject(new Error('already gone')));
      registry.closeOnShutdown(() => Promise.resolve(void closed.push('rabbitmq')));
      await expect(registry.closeSharedClients()).resolves.toBeUndefined();
      expect(closed.sort()).toEqual(['rabbitmq', 'redis']);
    });
  });

  it('should leave SIGTERM to Node outside Lambda (the local runtime, the tools, the tests)', async () => {
    const before = process.listenerCount('SIGTERM');
    await withFreshRegistry({ LAMBDA_TASK_ROOT: undefined }, (registry) => registry.closeOnShutdown(() => Promise.resolve()));
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('should close the clients on SIGTERM where Lambda runs the code, with one listener however many clients', async () => {
    const before = new Set(process.listeners('SIGTERM'));
    await withFreshRegistry({ LAMBDA_TASK_ROOT: '/var/task' }, async (registry) => {
      let closes = 0;
      const close = () => {
        closes++;
        return Promise.resolve();
      };
      registry.closeOnShutdown(close);
      registry.closeOnShutdown(() => close());
      const added = process.listeners('SIGTERM').filter((listener) => !before.has(listener));
      try {
        expect(added).toHaveLength(1);
        process.emit('SIGTERM', 'SIGTERM');
        await new Promise((resolve) => setImmediate(resolve));
        expect(closes).toBe(2);
      } finally {
        for (const listener of added) process.removeListener('SIGTERM', listener);
      }
    });
  });
});
