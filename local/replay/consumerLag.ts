import type { Admin } from 'kafkajs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// kafkajs' admin fails now and then when fetchTopicOffsets runs concurrently on one client ("Cannot
// destructure property 'partitions' of 'high.pop(...)'"), so calls on one admin take turns.
const turns = new WeakMap<Admin, Promise<unknown>>();

function inTurn<T>(admin: Admin, fn: () => Promise<T>): Promise<T> {
  const previous = turns.get(admin) ?? Promise.resolve();
  const next = previous.then(fn, fn);
  turns.set(admin, next.catch(() => undefined));
  return next;
}

/** Records the group has not committed yet, per partition and in total (what MSK reports as OffsetLag). */
export async function consumerLag(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<{ total: number; partitions: Array<{ partition: number; lag: number }>; deletedUnread: number }> {
  const watermarks = await inTurn(admin, () => admin.fetchTopicOffsets(topic));
  const [committed] = await inTurn(admin, () => admin.fetchOffsets({ groupId, topics: [topic] }));
  let deletedUnread = 0;
  const partitions = watermarks.map(({ partition, high, low }) => {
    const position = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
    // A committed offset below the log start: Kafka deleted records this group never read, and its
    // consumer will jump past them (kafkajs resets to the earliest offset without a word).
    if (position >= 0 && position < Number(low)) deletedUnread += Number(low) - position;
    return { partition, lag: Math.max(0, Number(high) - Math.max(position, Number(low))) };
  });
  return { total: partitions.reduce((n, p) => n + p.lag, 0), partitions, deletedUnread };
}

/** Waits until the group has committed everything the topic holds now. */
export async function waitCaughtUp(admin: Admin, groupId: string, topic: string, pollMs = 100): Promise<void> {
  while ((await consumerLag(admin, groupId, topic)).total > 0) await sleep(pollMs);
}
