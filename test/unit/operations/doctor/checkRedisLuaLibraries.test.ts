import { checkRedisLuaLibraries } from '../../../../operations/doctor/checkRedisLuaLibraries';

describe('checkRedisLuaLibraries', () => {
  it('should pass when every library the scripts call is a table inside a script', () => {
    expect(checkRedisLuaLibraries({ cmsgpack: 'table' })).toMatchObject({ status: 'pass', detail: expect.stringContaining('cmsgpack') });
  });

  it('should fail, naming the library and what depends on it, when the engine lacks it or did not say', () => {
    expect(checkRedisLuaLibraries({ cmsgpack: 'nil' })).toMatchObject({ status: 'fail', detail: expect.stringMatching(/cmsgpack is nil inside a script: every batch's apply script/) });
    expect(checkRedisLuaLibraries({})).toMatchObject({ status: 'fail', detail: expect.stringContaining('cmsgpack is not reported') });
  });
});
