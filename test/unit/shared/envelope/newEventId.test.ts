import { newEventId } from '../../../../shared/envelope/eventId';

describe('newEventId', () => {
  it('should make distinct, sorted ULIDs across many refills of its pooled random bytes', () => {
    // 10,000 ids over several milliseconds draw far more than the 4 KB pool's 256 new-millisecond ids.
    const ids: string[] = [];
    const until = Date.now() + 30;
    while (ids.length < 10_000 || Date.now() < until) ids.push(newEventId());
    expect(ids.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('should give new milliseconds random parts that differ (the pool is not stuck on one value)', async () => {
    const randomParts = new Set<string>();
    for (let i = 0; i < 20; i++) {
      randomParts.add(newEventId().slice(10));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(randomParts.size).toBe(20);
  });
});
