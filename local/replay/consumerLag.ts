import type { Admin } from 'kafkajs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records the group has not committed yet, per partition and in total (what MSK reports as OffsetLag). */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<{ total: number; partitions: Array<{ partition: number; lag: number }> }> {
  const [watermarks, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const partitions = watermarks.map(({ partition, high, low }) => {
    const position = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
    return { partition, lag: Math.max(0, Number(high) - Math.max(position, Number(low))) };
  });
  return { total: partitions.reduce((n, p) => n + p.lag, 0), partitions };
}

/** Waits until the group has committed everything the topic holds now. */
export async function waitCaughtUp(admin: Admin, groupId: string, topic: string, pollMs = 100): Promise<void> {
  while ((await consumerLag(admin, groupId, topic)).total > 0) await sleep(pollMs);
}
