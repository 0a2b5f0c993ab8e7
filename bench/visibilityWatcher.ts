import type { Redis } from 'ioredis';
import { sleep } from '../testkit/waitUntil';
import { epochNow } from '../testkit/load/autocannonPlan';

/**
 * Watches a sorted set for members to appear and records, for each, the time from when it was sent to
 * when Redis first showed it. Only members still pending are asked for, with one ZMSCORE per poll (at
 * 2,000 events/s and ~100 ms in flight that is a few hundred members), so watching costs little next
 * to what is watched. The resolution is the poll interval plus one round trip.
 */
export class VisibilityWatcher {
  private readonly pending = new Map<string, number>();
  readonly latenciesMs: number[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  polls = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    readonly pollMs = 5,
  ) {}

  /** `sentAt` in epoch ms (loadPlan's epochNow), the same clock the autocannon worker uses. */
  expect(member: string, sentAt: number): void {
    this.pending.set(member, sentAt);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.poll();
        await sleep(this.pollMs);
      }
    })();
  }

  /** Waits, still watching, until nothing is pending or `graceMs` passed; returns how many are still pending. */
  async settled(graceMs: number): Promise<number> {
    const deadline = performance.now() + graceMs;
    while (this.pending.size > 0 && performance.now() < deadline) await sleep(this.pollMs);
    return this.pending.size;
  }

  /** Polls until nothing is pending or `graceMs` passed, then stops; returns how many never showed up. */
  async finish(graceMs: number): Promise<number> {
    await this.settled(graceMs);
    this.running = false;
    await this.loop;
    return this.pending.size;
  }

  private async poll(): Promise<void> {
    const members = [...this.pending.keys()];
    for (let i = 0; i < members.length; i += 2_000) {
      const chunk = members.slice(i, i + 2_000);
      const scores = await this.redis.zmscore(this.key, ...chunk);
      const now = epochNow();
      this.polls++;
      chunk.forEach((member, j) => {
        if (scores[j] === null || scores[j] === undefined) return;
        const sentAt = this.pending.get(member);
        if (sentAt !== undefined) this.latenciesMs.push(now - sentAt);
        this.pending.delete(member);
      });
    }
  }
}
