import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { BENCH_API_KEY, BENCH_NAMESPACE } from '../../../bench/benchEnvironment';
import { benchmarkInWorker } from '../../../bench/benchmarkInWorker';
import { NEW_SPACE_FLOOR_MB, workerResourceLimits } from '../../../emulator/runtime/workerResourceLimits';

const FIXTURE = join(__dirname, 'workerFixture', 'threadReport.ts');

describe('benchmarkInWorker', () => {
  // raiseNewSpaceFloor is process-wide: other tests in this jest worker start threads of their own.
  afterAll(() => setFlagsFromString('--min-semi-space-size=0'));

  it("should run the benchmark in a worker thread with the runtime's heap limits for its trigger, the run's names and environment", async () => {
    process.env.KAFKA_BROKERS = '127.0.0.1:1';
    const result = await benchmarkInWorker(FIXTURE, 'threadReport', 'msk');
    expect(result.details).toEqual({
      isMainThread: false,
      namespace: BENCH_NAMESPACE,
      apiKey: BENCH_API_KEY,
      kafkaBrokers: '127.0.0.1:1',
      redisNamespace: BENCH_NAMESPACE,
      maxYoungGenerationSizeMb: workerResourceLimits('msk').maxYoungGenerationSizeMb,
      newSpaceMb: NEW_SPACE_FLOOR_MB,
    });
    expect(workerResourceLimits('msk').maxYoungGenerationSizeMb).toBeGreaterThan(0);
  }, 60_000);

  it('should fail with the error the benchmark failed with', async () => {
    await expect(benchmarkInWorker(FIXTURE, 'failing', 'msk')).rejects.toThrow(/failing \(in its worker thread\): Error: the broker went away/);
  }, 60_000);

  it('should fail when the module has no such benchmark', async () => {
    await expect(benchmarkInWorker(FIXTURE, 'missing', 'msk')).rejects.toThrow(/has no exported function missing/);
  }, 60_000);
});
