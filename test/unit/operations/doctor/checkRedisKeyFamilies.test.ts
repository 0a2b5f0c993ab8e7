import { checkRedisKeyFamilies, type SampledKey } from '../../../../operations/doctor/checkRedisKeyFamilies';
import { FUNCTIONS } from '../../../../shared/routes/functionCatalog';
import { KEY_FAMILIES } from '../../../../shared/state/redisKeys';

const declaredFamilies = [...new Set(FUNCTIONS.flatMap((fn) => fn.redis.writes))];
const check = (keys: SampledKey[]) => checkRedisKeyFamilies({ namespace: 'tp', keys, declaredFamilies, keyFamilies: KEY_FAMILIES, truncated: false });

const healthy: SampledKey[] = [
  { key: 'tp:g0:session:s-1', ttlSeconds: 600 },
  { key: 'tp:g0:flags', ttlSeconds: -1 },
  { key: 'tp:g2:idem:project-flags:01KSAMPLE', ttlSeconds: 86_400 },
  { key: 'tp:generation:sessions', ttlSeconds: -1 },
  { key: 'tp:g0:activity-day:u-1:2026-01-15', ttlSeconds: 3_000 },
];

describe('checkRedisKeyFamilies', () => {
  it('should pass keys of declared families, ttl families expiring, rebuildable and pointer keys without TTL', () => {
    // assess
    expect(check(healthy).status).toBe('pass');
  });

  it('should fail a ttl-family key without TTL', () => {
    // act
    const result = check([...healthy, { key: 'tp:g0:session:leaked', ttlSeconds: -1 }]);

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('tp:g0:session:leaked') });
  });

  it('should warn about a foreign key under the namespace', () => {
    // act
    const result = check([...healthy, { key: 'tp:cache:homepage', ttlSeconds: -1 }]);

    // assess
    expect(result).toMatchObject({ status: 'warn', detail: expect.stringContaining('tp:cache:homepage') });
  });

  it('should fail a key of a known family that no function declares writing', () => {
    // act
    const result = checkRedisKeyFamilies({ namespace: 'tp', keys: [{ key: 'tp:order:o-1', ttlSeconds: -1 }], declaredFamilies: ['session'], keyFamilies: KEY_FAMILIES, truncated: false });

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('families no function declares') });
  });

  it('should skip a key that expired between the scan and its TTL', () => {
    // assess
    expect(check([...healthy, { key: 'tp:g0:session:gone', ttlSeconds: -2 }]).status).toBe('pass');
  });
});
