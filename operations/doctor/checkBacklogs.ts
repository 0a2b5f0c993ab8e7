import type { BrokerQueue } from './brokerQueue';
import { listSome, pass, warn, type CheckResult } from './checkResult';

export const QUEUE_DEPTH_CHECK = 'queue depth';
export const CONSUMER_LAG_CHECK = 'consumer lag';

/** A backlog this deep means consumers are not keeping up (or not running): someone should look before it grows. */
export const BACKLOG_WARN_THRESHOLD = 500_000;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Depth per queue of the vhost. A parking lot holds messages that failed for good: any message there
 * waits for a person, so a non-empty parking lot warns whatever its size.
 */
export function checkQueueDepths(queues: readonly BrokerQueue[], parkingLots: readonly string[], threshold = BACKLOG_WARN_THRESHOLD): CheckResult {
  const deep = queues.filter((q) => (q.messages ?? 0) >= threshold).map((q) => `${q.name} holds ${count(q.messages ?? 0)}`);
  const parked = queues.filter((q) => parkingLots.includes(q.name) && (q.messages ?? 0) > 0).map((q) => `${q.name} holds ${count(q.messages ?? 0)}`);
  const findings = [...(deep.length > 0 ? [`${count(threshold)}+ messages: ${listSome(deep)}`] : []), ...(parked.length > 0 ? [`parked messages: ${listSome(parked)}`] : [])];
  if (findings.length === 0) {
    const deepest = Math.max(0, ...queues.map((q) => q.messages ?? 0));
    return pass(QUEUE_DEPTH_CHECK, `${queues.length} queues, deepest holds ${count(deepest)} (< ${count(threshold)}), parking lots empty`);
  }
  const fixes = [
    ...(deep.length > 0 ? ["check the deep queue's step function runs and its provider answers (breaker open?)"] : []),
    ...(parked.length > 0 ? ["read the parked messages' x-triplane-reason (or x-death) headers, fix the cause, then move them back to the step queue (shovel) or drop them"] : []),
  ];
  return warn(QUEUE_DEPTH_CHECK, findings.join('; '), fixes.join('; '));
}

export interface GroupLag {
  fn: string;
  group: string;
  topic: string;
  /** Records not yet committed by the group; a group that never committed lags by its whole topic. */
  lag: number;
  /** Records Kafka deleted (retention, deleted records) before the group read them. */
  deletedUnread: number;
}

export interface UnmeasuredLag {
  group: string;
  topic: string;
  reason: string;
}

/**
 * Lag per MSK-triggered function and topic: a projection far behind serves stale state from Redis.
 * A pair that could not be measured (its topic missing, say) warns: the partitions check says why.
 */
export function checkConsumerLag(lags: readonly GroupLag[], unmeasured: readonly UnmeasuredLag[] = [], threshold = BACKLOG_WARN_THRESHOLD): CheckResult {
  const behind = lags.filter((l) => l.lag >= threshold).map((l) => `${l.group} on ${l.topic} lags ${count(l.lag)}`);
  const unknown = unmeasured.map((u) => `${u.group} on ${u.topic}: ${u.reason}`);
  if (behind.length > 0 || unknown.length > 0) {
    return warn(
      CONSUMER_LAG_CHECK,
      [...(behind.length > 0 ? [`${count(threshold)}+ records behind: ${listSome(behind)}`] : []), ...(unknown.length > 0 ? [`not measured: ${listSome(unknown, 2)}`] : [])].join('; '),
      'check the function runs and does not fail its batches (logs, dead-letters topic); raise its batchSize or the topic partitions for more parallelism',
    );
  }
  const worst = lags.reduce<GroupLag | undefined>((max, l) => (max === undefined || l.lag > max.lag ? l : max), undefined);
  return pass(CONSUMER_LAG_CHECK, `${lags.length} group/topic pairs${worst === undefined ? '' : `, most behind ${worst.group} on ${worst.topic} by ${count(worst.lag)}`} (< ${count(threshold)})`);
}
