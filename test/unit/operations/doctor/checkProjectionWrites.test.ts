import { checkProjectionWrites, type ProjectionWriteSample } from '../../../../operations/doctor/checkProjectionWrites';
import { keysLeftWithoutExpiry } from '../../../../operations/doctor/redisOpKeys';
import { command, type RedisOp } from '../../../../shared/state/RedisOp';
import { KEY_FAMILIES } from '../../../../shared/state/redisKeys';

const sampleOf = (ops: RedisOp[], declaredWrites = ['session', 'idem']): ProjectionWriteSample => ({
  fn: 'project-sessions',
  declaredWrites,
  records: [{ label: 'sessions-0@0 session.started', ops }],
  problems: [],
});
const check = (...samples: ProjectionWriteSample[]) => checkProjectionWrites({ namespace: 'doctor', keyFamilies: KEY_FAMILIES, samples });

describe('checkProjectionWrites', () => {
  it('should pass a ttl-family write followed by its EXPIREAT, and a rebuildable write without one', () => {
    // act
    const result = check(sampleOf([command('HSET', 'doctor:g0:session:s-1', 'userId', 'u-1'), command('EXPIREAT', 'doctor:g0:session:s-1', 1_768_474_800)]), {
      fn: 'project-flags',
      declaredWrites: ['flags', 'idem'],
      records: [{ label: 'flags-0@0 flag.set', ops: [command('HSET', 'doctor:flags', 'dark-mode', '{}')] }],
      problems: [],
    });

    // assess
    expect(result.status).toBe('pass');
  });

  it('should pass a touch, which writes and pushes the expiry in one op', () => {
    // act
    const result = check(sampleOf([{ kind: 'touch', key: 'doctor:session:s-1', field: 'lastSeenAt', value: 'now', at: 1, ttlField: 'ttlSeconds' }]));

    // assess
    expect(result.status).toBe('pass');
  });

  it('should fail a ttl-family write without expiry', () => {
    // act
    const result = check(sampleOf([command('HSET', 'doctor:session:s-1', 'userId', 'u-1')]));

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('ttl-family key doctor:session:s-1 without an expiry') });
  });

  it('should fail an EXPIRE that comes before the write it should cover (it expires nothing on a new key)', () => {
    // act
    const result = check(sampleOf([command('EXPIRE', 'doctor:session:s-1', 60), command('HSET', 'doctor:session:s-1', 'userId', 'u-1')]));

    // assess
    expect(result.status).toBe('fail');
  });

  it('should fail a write to a family the function does not declare, and one to no family at all', () => {
    // act
    const undeclared = check(sampleOf([command('ZINCRBY', 'doctor:leaderboard:weekly', 5, 'u-1')]));
    const unknown = check(sampleOf([command('SET', 'doctor:cache:x', '1')]));

    // assess
    expect(undeclared).toMatchObject({ status: 'fail', detail: expect.stringContaining('family leaderboard') });
    expect(unknown).toMatchObject({ status: 'fail', detail: expect.stringContaining('no declared family') });
  });

  it('should fail a declared family that KEY_FAMILIES gives no policy', () => {
    // act
    const result = check(sampleOf([], ['session', 'cache']));

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('declares family cache') });
  });

  it('should warn when a projection has no sample to run', () => {
    // act
    const result = check({ ...sampleOf([]), records: [], problems: [{ status: 'warn', message: 'no sample event events/project-sessions.json' }] });

    // assess
    expect(result.status).toBe('warn');
  });
});

describe('keysLeftWithoutExpiry', () => {
  const everyKey = () => true;

  it('should take SET with EX and SETEX as writes with their expiry', () => {
    // assess
    expect(keysLeftWithoutExpiry([command('SET', 'k', 'v', 'EX', 60), command('SETEX', 'j', 60, 'v')], everyKey)).toEqual([]);
  });

  it('should take PERSIST as a write that needs a new expiry', () => {
    // assess
    expect(keysLeftWithoutExpiry([command('SET', 'k', 'v', 'EX', 60), command('PERSIST', 'k')], everyKey)).toEqual(['k']);
  });

  it('should need no expiry on a key the ops delete last', () => {
    // assess
    expect(keysLeftWithoutExpiry([command('HSET', 'k', 'f', 'v'), command('DEL', 'k')], everyKey)).toEqual([]);
  });
});
