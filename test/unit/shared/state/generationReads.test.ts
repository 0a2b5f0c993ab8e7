import { encodeReads, hashFieldRead, hashRead, topScoresRead, ttlRead, valuesRead } from '../../../../shared/state/generationReads';

describe('generation reads', () => {
  it('should decode each reply as the ioredis command would have returned it', () => {
    expect(hashRead('k').decode(['a', '1', 'b', '2'])).toEqual({ a: '1', b: '2' });
    expect(hashRead('k').decode([])).toEqual({});
    expect(hashFieldRead('k', 'f').decode('v')).toBe('v');
    expect(hashFieldRead('k', 'f').decode(null)).toBeNull();
    expect(ttlRead('k').decode(-2)).toBe(-2);
    expect(valuesRead(['a', 'b']).decode(['1', null])).toEqual(['1', null]);
    expect(topScoresRead('k', 0, 1).decode(['u1', '9', 'u2', '2.5'])).toEqual([
      { member: 'u1', score: 9 },
      { member: 'u2', score: 2.5 },
    ]);
  });

  it('should keep a hash field named like a prototype property an ordinary own field', () => {
    const hash = hashRead('k').decode(['__proto__', 'x', 'constructor', 'y']);
    expect(Object.keys(hash)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(hash)).toBe(Object.prototype);
    expect(hash.constructor).toBe('y');
  });

  it("should encode each read as its command, key count, argument count, keys and arguments, in the script's order", () => {
    expect(encodeReads([topScoresRead(':leaderboard:b', 0, 9), valuesRead([':a', ':b']), hashFieldRead(':flags', 'f')])).toEqual([
      'ZREVRANGE',
      '1',
      '3',
      ':leaderboard:b',
      '0',
      '9',
      'WITHSCORES',
      'MGET',
      '2',
      '0',
      ':a',
      ':b',
      'HGET',
      '1',
      '1',
      ':flags',
      'f',
    ]);
  });
});
