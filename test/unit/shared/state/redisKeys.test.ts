import { redisKeys } from '../../../../shared/state/redisKeys';

describe('redisKeys', () => {
  it("should build a namespace's keys once and keep each namespace's keys its own", () => {
    const a = redisKeys('ns-a');
    expect(redisKeys('ns-a')).toBe(a);
    expect(a.order('o1')).toBe('ns-a:order:o1');
    expect(redisKeys('ns-b').order('o1')).toBe('ns-b:order:o1');
    expect(a.sandbox('payment', 'faults', 'o1')).toBe('ns-a:sandbox:payment:faults:o1');
  });

  it('should still answer right once more namespaces than it keeps were asked for', () => {
    for (let i = 0; i < 200; i++) expect(redisKeys(`many-${i}`).saga('o')).toBe(`many-${i}:saga:o`);
    expect(redisKeys('many-3').idempotency('c', 'e')).toBe('many-3:idem:c:e');
  });
});
