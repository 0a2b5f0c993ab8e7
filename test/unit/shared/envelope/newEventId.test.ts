import { decodeTime, encodeTime, incrementBase32, isValid } from 'ulid';
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

  it('should make ULIDs as the ulid package reads them: its time is the creation millisecond, and within a millisecond each is the last one incremented', () => {
    const before = Date.now();
    const ids = Array.from({ length: 5_000 }, () => newEventId());
    const after = Date.now();
    for (const [i, id] of ids.entries()) {
      expect(isValid(id)).toBe(true);
      const time = decodeTime(id);
      expect(time).toBeGreaterThanOrEqual(before);
      expect(time).toBeLessThanOrEqual(after);
      expect(id.slice(0, 10)).toBe(encodeTime(time, 10));
      const previous = ids[i - 1];
      if (previous !== undefined && decodeTime(previous) === time) expect(id.slice(10)).toBe(incrementBase32(previous.slice(10)));
    }
    // Many ids share a millisecond, so the increments were checked, not only new random parts.
    expect(new Set(ids.map((id) => id.slice(0, 10))).size).toBeLessThan(ids.length / 2);
  });

  it('should carry an increment over random digits at their highest value, as the ulid package does', () => {
    // Random digits are drawn from the pool, so a run of Z (31) at the end happens: carried over many times here.
    let carried = 0;
    let previous = newEventId();
    for (let i = 0; i < 200_000 && carried < 3; i++) {
      const id = newEventId();
      if (decodeTime(id) === decodeTime(previous) && previous.endsWith('Z')) {
        expect(id.slice(10)).toBe(incrementBase32(previous.slice(10)));
        carried++;
      }
      previous = id;
    }
    expect(carried).toBe(3);
  });
});
