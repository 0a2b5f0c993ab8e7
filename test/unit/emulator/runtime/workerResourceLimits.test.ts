import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { NEW_SPACE_FLOOR_MB, raiseNewSpaceFloor, workerResourceLimits } from '../../../../emulator/runtime/workerResourceLimits';

/** The new space a worker created with these limits starts with, in MB, as the worker itself reports it. */
async function newSpaceOfFreshWorker(limits: ReturnType<typeof workerResourceLimits>): Promise<number> {
  const worker = new Worker(
    `const { getHeapSpaceStatistics } = require('node:v8');
     const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
     require('node:worker_threads').parentPort.postMessage(space.space_size / 1048576);`,
    { eval: true, resourceLimits: limits },
  );
  try {
    return await new Promise<number>((resolve, reject) => {
      worker.once('message', (size: number) => resolve(size));
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe('the new space floor of the local runtime workers', () => {
  afterAll(() => setFlagsFromString('--min-semi-space-size=0'));

  it('should start a batch worker below the floor while it is not raised', async () => {
    // V8 flags are the process's: another test file in this jest worker may have raised it already.
    setFlagsFromString('--min-semi-space-size=0');
    expect(await newSpaceOfFreshWorker(workerResourceLimits('msk'))).toBeLessThan(NEW_SPACE_FLOOR_MB);
  });

  it('should start every batch worker created after raising it at the floor', async () => {
    raiseNewSpaceFloor();
    expect(await newSpaceOfFreshWorker(workerResourceLimits('msk'))).toBe(NEW_SPACE_FLOOR_MB);
    expect(await newSpaceOfFreshWorker(workerResourceLimits('rabbitmq'))).toBe(NEW_SPACE_FLOOR_MB);
    expect(await newSpaceOfFreshWorker(workerResourceLimits('poller'))).toBe(NEW_SPACE_FLOOR_MB);
  });

  it("should keep an HTTP worker within V8's default new space, which caps the floor", async () => {
    raiseNewSpaceFloor();
    const capped = await newSpaceOfFreshWorker(workerResourceLimits('http'));
    expect(capped).toBeLessThan(NEW_SPACE_FLOOR_MB);
    expect(capped).toBeGreaterThan(0);
  });
});
