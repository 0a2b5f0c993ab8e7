import { isMainThread, resourceLimits } from 'node:worker_threads';
import { getHeapSpaceStatistics } from 'node:v8';
import { BENCH_API_KEY, BENCH_NAMESPACE } from '../../../../bench/benchEnvironment';
import type { BenchmarkResult } from '../../../../bench/benchmarkResult';

/** A benchmark that reports the thread it ran in: its names, environment and heap limits. */
export function threadReport(): Promise<BenchmarkResult> {
  return Promise.resolve({
    name: 'thread-report',
    measuredAt: new Date().toISOString(),
    durationSeconds: 0,
    rows: [],
    latencySeries: [],
    notes: [],
    details: {
      isMainThread,
      namespace: BENCH_NAMESPACE,
      apiKey: BENCH_API_KEY,
      kafkaBrokers: process.env.KAFKA_BROKERS,
      redisNamespace: process.env.TRIPLANE_REDIS_NAMESPACE,
      maxYoungGenerationSizeMb: resourceLimits.maxYoungGenerationSizeMb,
      newSpaceMb: (getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20,
    },
  });
}

export function failing(): Promise<BenchmarkResult> {
  return Promise.reject(new Error('the broker went away'));
}
