import { coalescedCommits, type PartitionCommit } from '../../../../shared/kafka/coalescedCommits';

const at = (partition: number, offset: bigint): PartitionCommit => ({ topic: 't', partition, offset, leaderEpoch: 0 });

/** A send whose requests the test answers by hand, in order. */
function manualSend() {
  const requests: Array<{ offsets: PartitionCommit[]; answer: (error?: Error) => void }> = [];
  const send = (offsets: PartitionCommit[]) => new Promise<void>((resolve, reject) => requests.push({ offsets, answer: (error) => (error ? reject(error) : resolve()) }));
  return { send, requests };
}

const settled = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('coalescedCommits', () => {
  it('sends one request at a time and gathers the commits asked for meanwhile into the next', async () => {
    const { send, requests } = manualSend();
    const commit = coalescedCommits(send);
    const done: string[] = [];
    const first = commit(at(0, 5n)).then(() => done.push('p0@5'));
    const second = commit(at(1, 7n)).then(() => done.push('p1@7'));
    const third = commit(at(2, 9n)).then(() => done.push('p2@9'));
    expect(requests.map((r) => r.offsets)).toEqual([[at(0, 5n)]]);
    requests[0]?.answer();
    await first;
    await settled();
    // The first commit acknowledged alone; the two that waited go together.
    expect(done).toEqual(['p0@5']);
    expect(requests[1]?.offsets).toEqual([at(1, 7n), at(2, 9n)]);
    requests[1]?.answer();
    await Promise.all([second, third]);
    expect(done).toEqual(['p0@5', 'p1@7', 'p2@9']);
    expect(requests).toHaveLength(2);
  });

  it('sends the later of two waiting offsets of one partition and never moves it back', async () => {
    const { send, requests } = manualSend();
    const commit = coalescedCommits(send);
    const first = commit(at(0, 1n));
    const later = commit(at(0, 20n));
    const earlier = commit(at(0, 10n));
    requests[0]?.answer();
    await first;
    await settled();
    expect(requests[1]?.offsets).toEqual([at(0, 20n)]);
    requests[1]?.answer();
    await expect(Promise.all([later, earlier])).resolves.toEqual([undefined, undefined]);
  });

  it('fails every commit a refused request carried, and goes on with the next', async () => {
    const { send, requests } = manualSend();
    const commit = coalescedCommits(send);
    const first = commit(at(0, 1n));
    const a = commit(at(1, 2n));
    const b = commit(at(2, 3n));
    requests[0]?.answer();
    await first;
    await settled();
    requests[1]?.answer(new Error('ILLEGAL_GENERATION'));
    await expect(a).rejects.toThrow('ILLEGAL_GENERATION');
    await expect(b).rejects.toThrow('ILLEGAL_GENERATION');
    const after = commit(at(1, 2n));
    expect(requests[2]?.offsets).toEqual([at(1, 2n)]);
    requests[2]?.answer();
    await expect(after).resolves.toBeUndefined();
  });
});
