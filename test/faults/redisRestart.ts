import { Redis } from 'ioredis';
import { replayProjections, type ReplayResult } from '../../operations/replay/replayProjections';
import { PROJECTIONS } from '../../shared/state/projectionKeys';
import type { PrivateRedis } from '../../testkit/privateRedis';

export interface RedisRestartResult {
  downMs: number;
  replayMs: number;
  records: number;
  results: ReplayResult[];
}

/**
 * Kills the suite's private Redis (every key gone: projections, generation pointers, idempotency marks),
 * starts it empty after `downMs`, then rebuilds every projection from Kafka with replayProjections while
 * the runtime keeps consuming and serving. The sandbox ledger is on the shared Redis (REDIS_SANDBOX_URL,
 * runFaultSuite) and survives, as a provider's own database would.
 */
export async function restartRedisAndReplay(redis: PrivateRedis, brokers: string[], namespace: string, downMs: number, log: (line: string) => void): Promise<RedisRestartResult> {
  const started = Date.now();
  await redis.kill();
  await new Promise((resolve) => setTimeout(resolve, downMs));
  await redis.start();
  const downFor = Date.now() - started;
  const client = new Redis(redis.url, { maxRetriesPerRequest: 20 });
  client.on('error', () => undefined);
  const replayStarted = Date.now();
  try {
    const results = await replayProjections({ projections: [...PROJECTIONS], brokers, redis: client, namespace, log, graceMs: 1_000 });
    return { downMs: downFor, replayMs: Date.now() - replayStarted, records: results.reduce((n, r) => n + r.records, 0), results };
  } finally {
    await client.quit().catch(() => client.disconnect());
  }
}
