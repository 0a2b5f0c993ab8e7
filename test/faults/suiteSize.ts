import type { LoadSize } from '../../testkit/load/eventLoadPlan';
import type { ProgressWait } from '../../testkit/waitUntil';
import { localConfig } from '../../emulator/config/localConfig';

export type SizeName = 'small' | 'full';

export interface SuiteSize {
  name: SizeName;
  /** Load of a single-fault scenario and of the mixed one, and how long it is spread over. */
  single: LoadSize & { durationMs: number };
  mixed: LoadSize & { durationMs: number };
  /** How long fault windows last (a broker down, RabbitMQ stopped, Redis gone). */
  outageMs: number;
  /** After the faults: how long the system may take to settle, and how long it may stand still before it counts as stuck. */
  settle: ProgressWait;
  /**
   * A client gives one batch up after this long. Above a minute: after a kill -9 the runtime listens
   * again only once every consumer group rebalanced, which waits out the dead members (30-60 s here).
   */
  retryForMs: number;
  concurrency: number;
}

/**
 * FAULTS_SIZE=small (CI: the whole suite in under ~4 minutes on 2 cores when the system is healthy) or
 * full (default, for a person: under ~10). Settling is cut short after 45 s without any progress: the
 * longest legitimate quiet spell is a consumer group waiting out a crashed member's 30 s session
 * timeout before it rebalances (a failed batch's retry backoff is 10 s, a delay queue 8 s).
 */
export function suiteSize(size: SizeName = localConfig().FAULTS_SIZE): SuiteSize {
  const common = { settle: { maxMs: 150_000, stallMs: 45_000 }, retryForMs: 120_000, concurrency: 4 };
  return size === 'small'
    ? { name: 'small', single: { events: 400, orders: 40, durationMs: 6_000 }, mixed: { events: 800, orders: 80, durationMs: 12_000 }, outageMs: 3_000, ...common }
    : { name: 'full', single: { events: 2_000, orders: 200, durationMs: 20_000 }, mixed: { events: 4_000, orders: 400, durationMs: 30_000 }, outageMs: 5_000, ...common };
}
