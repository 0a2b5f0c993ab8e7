import type { Redis } from 'ioredis';
import { evalShaOrEval } from '../../../../shared/state/luaScript';

/** A Redis double that remembers scripts only after an EVAL, as a freshly started server would. */
function freshRedis() {
  const calls: string[] = [];
  let known = false;
  const redis = {
    evalsha: (sha: string, numKeys: number, ...rest: string[]) => {
      calls.push(`evalsha ${numKeys} ${rest.join(' ')}`);
      return known ? Promise.resolve('ran') : Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
    },
    eval: (_lua: string, numKeys: number, ...rest: string[]) => {
      calls.push(`eval ${numKeys} ${rest.join(' ')}`);
      known = true;
      return Promise.resolve('ran');
    },
  };
  return { redis: redis as unknown as Redis, calls };
}

describe('evalShaOrEval', () => {
  it('should send the script whole once on NOSCRIPT, then by its SHA only', async () => {
    const { redis, calls } = freshRedis();
    const script = evalShaOrEval('return 1');
    expect(await script(redis, ['k'], ['a'])).toBe('ran');
    expect(await script(redis, ['k'], ['b'])).toBe('ran');
    expect(calls).toEqual(['evalsha 1 k a', 'eval 1 k a', 'evalsha 1 k b']);
  });

  it('should pass any other error on without trying EVAL', async () => {
    const calls: string[] = [];
    const redis = {
      evalsha: () => Promise.reject(new Error('NOPERM this user has no permissions to run the evalsha command')),
      eval: () => {
        calls.push('eval');
        return Promise.resolve('ran');
      },
    } as unknown as Redis;
    await expect(evalShaOrEval('return 1')(redis, [], [])).rejects.toThrow(/NOPERM/);
    expect(calls).toEqual([]);
  });
});
