import { checkRedisMemoryPolicy } from '../../../../operations/doctor/checkRedisMemoryPolicy';

describe('checkRedisMemoryPolicy', () => {
  it('should pass allkeys-lru with a memory cap', () => {
    // act
    const result = checkRedisMemoryPolicy({ maxmemoryPolicy: 'allkeys-lru', maxmemory: 1_073_741_824 });

    // assess
    expect(result.status).toBe('pass');
  });

  it("should fail noeviction, which refuses the projections' writes when memory is full", () => {
    // act
    const result = checkRedisMemoryPolicy({ maxmemoryPolicy: 'noeviction', maxmemory: 1_073_741_824 });

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('noeviction') });
    expect(result.fix).toContain('allkeys-lru');
  });

  it('should fail maxmemory 0, which never evicts whatever the policy', () => {
    // act
    const result = checkRedisMemoryPolicy({ maxmemoryPolicy: 'allkeys-lru', maxmemory: 0 });

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('maxmemory is 0') });
  });
});
