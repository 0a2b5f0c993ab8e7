import type { KafkaAdminPort } from './KafkaPort';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records the group has not committed yet, per partition and in total (what MSK reports as OffsetLag). */
export async function consumerLag(admin: KafkaAdminPort, groupId: string, topic: string): Promise<{ total: number; partitions: Array<{ partition: number; lag: number }>; deletedUnread: number }> {
  const [watermarks, committed] = await Promise.all([admin.topicOffsets(topic), admin.groupOffsets(groupId, topic)]);
  let deletedUnread = 0;
  const partitions = watermarks.map(({ partition, high, low }) => {
    const position = committed.get(partition);
    // A committed offset below the log start: Kafka deleted records this group never read, and its
    // consumer will jump past them (to the earliest offset, which the mapping reports as skipped).
    if (position !== undefined && position < low) deletedUnread += Number(low - position);
    const from = position === undefined || position < low ? low : position;
    return { partition, lag: Math.max(0, Number(high - from)) };
  });
  return { total: partitions.reduce((n, p) => n + p.lag, 0), partitions, deletedUnread };
}

/** Waits until the group has committed everything the topic holds now. */
export async function waitCaughtUp(admin: KafkaAdminPort, groupId: string, topic: string, pollMs = 100): Promise<void> {
  while ((await consumerLag(admin, groupId, topic)).total > 0) await sleep(pollMs);
}
