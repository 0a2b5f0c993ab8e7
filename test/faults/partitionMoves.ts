/** A partition as the admin API describes it: its replicas in preferred order (the first is the preferred leader). */
export interface PartitionLayout {
  topic: string;
  partition: number;
  leader: number;
  replicas: readonly number[];
  isr: readonly number[];
}

/**
 * The reassignment that moves every partition's preferred leader `shift` places along its own replica
 * list: the same brokers in a rotated order. No data has to move (every replica stays where it is), so
 * Kafka completes it at once, and a preferred leader election then moves the leaders themselves. This is
 * what a cluster rebalance or `kafka-reassign-partitions` does to clients: NOT_LEADER_OR_FOLLOWER, then
 * a metadata refresh, on every partition at once. Returned as ReassignPartitionsCommand's JSON.
 */
export function rotatedReassignment(partitions: readonly PartitionLayout[], shift: number): { version: 1; partitions: Array<{ topic: string; partition: number; replicas: number[] }> } {
  return {
    version: 1,
    partitions: partitions
      .filter((p) => p.replicas.length > 1)
      .map((p) => {
        const by = ((shift % p.replicas.length) + p.replicas.length) % p.replicas.length;
        return { topic: p.topic, partition: p.partition, replicas: [...p.replicas.slice(by), ...p.replicas.slice(0, by)] };
      }),
  };
}

/** LeaderElectionCommand's --path-to-json-file document for these partitions. */
export function electionTargets(partitions: ReadonlyArray<{ topic: string; partition: number }>): { partitions: Array<{ topic: string; partition: number }> } {
  return { partitions: partitions.map(({ topic, partition }) => ({ topic, partition })) };
}

/** Partitions whose leader is not their preferred replica, or whose in-sync set lacks a replica: not yet healed. */
export function unhealedPartitions(partitions: readonly PartitionLayout[]): PartitionLayout[] {
  return partitions.filter((p) => p.leader !== p.replicas[0] || p.replicas.some((r) => !p.isr.includes(r)));
}

/** How many partitions have a different leader in `after` than in `before`. */
export function leadersMoved(before: readonly PartitionLayout[], after: readonly PartitionLayout[]): number {
  const leaderOf = new Map(before.map((p) => [`${p.topic}/${p.partition}`, p.leader]));
  return after.filter((p) => leaderOf.has(`${p.topic}/${p.partition}`) && leaderOf.get(`${p.topic}/${p.partition}`) !== p.leader).length;
}
