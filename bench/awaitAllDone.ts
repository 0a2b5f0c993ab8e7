import { sleep } from '../testkit/waitUntil';

export interface AwaitAllDoneOptions {
  /** Ids asked about per round trip after the oldest (asked alone); a round goes on to the next chunk only while every id of the last one was done. */
  chunk: number;
  pollMs: number;
  /** performance.now() after which the wait fails. */
  deadline: number;
  /** Says why the wait failed, given how many ids are still not done. */
  timeoutMessage: (pending: number) => string;
}

/**
 * Waits until `areDone` says every id is done; resolves with performance.now() of the round trip that
 * saw the last one. Ids are asked about oldest first, the oldest alone, then a chunk at a time, and a
 * round stops at the first chunk holding an id not done yet: ids finish roughly in the order they were
 * started, so most rounds cost one question, not one per pending id. Asking about all 2,000 pending
 * orders every 20 ms was 100,000 Redis commands a second from the benchmark's own thread, which shares
 * the runtime's CPU (about a fifth of the main thread's profile); a chunk of 200 per round was still a
 * tenth of it.
 */
export async function awaitAllDone(ids: readonly string[], areDone: (chunk: readonly string[]) => Promise<boolean[]>, options: AwaitAllDoneOptions): Promise<number> {
  let pending = [...ids];
  for (;;) {
    let seenAt = performance.now();
    let from = 0;
    const stillPending: string[] = [];
    while (from < pending.length) {
      // The oldest id alone first: while it is not done (most rounds), a round is one question, not a chunk.
      const chunk = pending.slice(from, from + (from === 0 ? 1 : options.chunk));
      const done = await areDone(chunk);
      seenAt = performance.now();
      chunk.forEach((id, i) => {
        if (done[i] !== true) stillPending.push(id);
      });
      from += chunk.length;
      if (stillPending.length > 0) break;
    }
    pending = [...stillPending, ...pending.slice(from)];
    if (pending.length === 0) return seenAt;
    if (performance.now() > options.deadline) throw new Error(options.timeoutMessage(pending.length));
    await sleep(options.pollMs);
  }
}
