import { checkArchive, type ArchiveCheck } from './checkArchive';
import { checkEffects, type EffectsCheck } from './checkEffects';
import { checkOrders, type OrdersCheck } from './checkOrders';
import type { LoadOutcome } from '../../testkit/load/postBatches';
import type { EventLoadPlan } from '../../testkit/load/eventLoadPlan';
import type { ProgressWait } from '../../testkit/waitUntil';

export interface Checks {
  orders: OrdersCheck;
  effects: EffectsCheck;
  archive: ArchiveCheck;
  ok: boolean;
  /** Something was still missing when its wait ended because nothing moved any more. */
  stuck: boolean;
}

export interface ArchiveTarget {
  brokers: string[];
  dir: string;
  groupSuffix: string;
}

/** (a), (b) and (c) side by side: each waits for its own part of the system to settle, so they overlap. */
export async function runChecks(url: string, plan: EventLoadPlan, load: LoadOutcome, archive: ArchiveTarget, settle: ProgressWait): Promise<Checks> {
  const [orders, effects, archived] = await Promise.all([
    checkOrders(url, plan.orders, load, settle),
    checkEffects(url, plan, load, settle),
    checkArchive(archive.brokers, archive.dir, archive.groupSuffix, settle),
  ]);
  return {
    orders,
    effects,
    archive: archived,
    ok: orders.ok && effects.ok && archived.ok,
    stuck: (!orders.ok && orders.stalled) || (!effects.ok && effects.stalled) || !archived.caughtUp,
  };
}

/** One line for a note: what the checks found. */
export const summarizeChecks = (checks: Checks): string =>
  `final orders ${checks.orders.final}/${checks.orders.orders}, lost ${checks.orders.lost + checks.effects.lost}, doubled ${checks.orders.doubled + checks.effects.doubled}, charged twice ${checks.orders.chargedTwice}, archive gaps ${checks.archive.gapOffsets}${checks.archive.caughtUp ? '' : ' (sink not caught up)'}`;
