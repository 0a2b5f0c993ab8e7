import { backgroundCommits } from '../../../../shared/kafka/backgroundCommits';

/** A commit whose requests the test answers by hand. */
function manualCommit() {
  const requests: Array<{ offset: number; answer: (error?: Error) => void }> = [];
  const commit = (offset: number) => new Promise<void>((resolve, reject) => requests.push({ offset, answer: (error) => (error ? reject(error) : resolve()) }));
  return { commit, requests };
}

const turns = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('backgroundCommits', () => {
  it('should send each commit at once and return before Kafka answers', () => {
    const { commit, requests } = manualCommit();
    const commits = backgroundCommits(commit, () => undefined);
    commits.send(5);
    commits.send(9);
    expect(requests.map((r) => r.offset)).toEqual([5, 9]);
  });

  it('should make settled() wait for every commit sent, and resolve once all were answered', async () => {
    const { commit, requests } = manualCommit();
    const commits = backgroundCommits(commit, () => undefined);
    commits.send(5);
    commits.send(9);
    let settled = false;
    const waiting = commits.settled().then(() => (settled = true));
    requests[0]?.answer();
    await turns();
    expect(settled).toBe(false);
    requests[1]?.answer();
    await waiting;
    expect(settled).toBe(true);
    // Nothing in flight any more: settled() answers at once.
    await expect(commits.settled()).resolves.toBeUndefined();
  });

  it('should report a refused commit with its error, and settled() still resolves', async () => {
    const { commit, requests } = manualCommit();
    const refused: unknown[] = [];
    const commits = backgroundCommits(commit, (error) => refused.push(error));
    commits.send(5);
    const error = new Error('REBALANCE_IN_PROGRESS');
    requests[0]?.answer(error);
    await commits.settled();
    expect(refused).toEqual([error]);
  });
});
