import { awaitAllDone } from '../../../bench/awaitAllDone';

const ids = Array.from({ length: 10 }, (_, i) => `o${i}`);
const options = (overrides: Partial<Parameters<typeof awaitAllDone>[2]> = {}) => ({
  chunk: 3,
  pollMs: 1,
  deadline: performance.now() + 5_000,
  timeoutMessage: (pending: number) => `${pending} not done`,
  ...overrides,
});

describe('awaitAllDone', () => {
  it('should resolve only once every id was seen done, whatever order they finish in', async () => {
    // o9 is done when first asked about, o0 only the tenth time: the later ids finish first.
    const asks = new Map<string, number>();
    const lastAnswer = new Map<string, boolean>();
    await awaitAllDone(
      ids,
      (chunk) =>
        Promise.resolve(
          chunk.map((id) => {
            const asked = (asks.get(id) ?? 0) + 1;
            asks.set(id, asked);
            const done = asked >= 10 - ids.indexOf(id);
            lastAnswer.set(id, done);
            return done;
          }),
        ),
      options(),
    );
    expect([...lastAnswer.keys()].sort()).toEqual([...ids].sort());
    expect([...lastAnswer.values()].every(Boolean)).toBe(true);
    expect(asks.get('o0')).toBe(10);
  });

  it('should ask about the oldest id alone while it is not done, then a chunk at a time', async () => {
    let rounds = 0;
    const chunksAsked: number[] = [];
    await awaitAllDone(
      ids,
      (chunk) => {
        chunksAsked.push(chunk.length);
        // o0 is done from the fourth question on; then everything is.
        rounds++;
        return Promise.resolve(chunk.map((id) => id !== 'o0' || rounds >= 4));
      },
      options(),
    );
    // o0 alone while it is pending (three rounds), then, once it is done, o1-o3, o4-o6 and o7-o9 in the same round.
    expect(chunksAsked).toEqual([1, 1, 1, 1, 3, 3, 3]);
  });

  it('should ask again about an id it saw not done, until it is', async () => {
    const answers = new Map<string, number>();
    await awaitAllDone(
      ids,
      (chunk) =>
        Promise.resolve(
          chunk.map((id) => {
            const asked = (answers.get(id) ?? 0) + 1;
            answers.set(id, asked);
            return id !== 'o4' || asked >= 3;
          }),
        ),
      options(),
    );
    expect(answers.get('o4')).toBe(3);
    expect(answers.get('o0')).toBe(1);
  });

  it('should fail past its deadline, saying how many ids are not done', async () => {
    await expect(awaitAllDone(ids, (chunk) => Promise.resolve(chunk.map((id) => id !== 'o7')), options({ deadline: performance.now() + 30 }))).rejects.toThrow('1 not done');
  });
});
