import { electionTargets, leadersMoved, rotatedReassignment, unhealedPartitions, type PartitionLayout } from './partitionMoves';

const layout = (partition: number, replicas: number[], leader = replicas[0] ?? -1, isr = replicas): PartitionLayout => ({ topic: 'scores', partition, leader, replicas, isr });

describe('rotatedReassignment', () => {
  it('keeps each partition on the same brokers and moves its preferred leader by the shift', () => {
    const plan = rotatedReassignment([layout(0, [1, 2, 3]), layout(1, [2, 3, 1])], 1);
    expect(plan).toEqual({
      version: 1,
      partitions: [
        { topic: 'scores', partition: 0, replicas: [2, 3, 1] },
        { topic: 'scores', partition: 1, replicas: [3, 1, 2] },
      ],
    });
  });

  it('wraps shifts past the replica count and accepts negative ones', () => {
    expect(rotatedReassignment([layout(0, [1, 2, 3])], 4).partitions[0]?.replicas).toEqual([2, 3, 1]);
    expect(rotatedReassignment([layout(0, [1, 2, 3])], -1).partitions[0]?.replicas).toEqual([3, 1, 2]);
  });

  it('leaves out single-replica partitions, whose leader has nowhere to go', () => {
    expect(rotatedReassignment([layout(0, [1]), layout(1, [1, 2])], 1).partitions).toEqual([{ topic: 'scores', partition: 1, replicas: [2, 1] }]);
  });
});

describe('unhealedPartitions', () => {
  it('names partitions led by a replica other than the preferred one or missing a replica from the in-sync set', () => {
    const healthy = layout(0, [1, 2, 3]);
    const notPreferred = layout(1, [1, 2, 3], 2);
    const shrunk = layout(2, [1, 2, 3], 1, [1, 3]);
    expect(unhealedPartitions([healthy, notPreferred, shrunk]).map((p) => p.partition)).toEqual([1, 2]);
  });
});

describe('leadersMoved and electionTargets', () => {
  it('counts partitions whose leader changed, ignoring partitions absent before', () => {
    const before = [layout(0, [1, 2, 3]), layout(1, [2, 3, 1])];
    const after = [layout(0, [2, 3, 1]), layout(1, [2, 3, 1]), layout(2, [3, 1, 2])];
    expect(leadersMoved(before, after)).toBe(1);
  });

  it('lists topic and partition only', () => {
    expect(electionTargets([{ topic: 'orders', partition: 3 }])).toEqual({ partitions: [{ topic: 'orders', partition: 3 }] });
  });
});
