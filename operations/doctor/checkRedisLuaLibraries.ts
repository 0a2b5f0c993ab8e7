import { fail, pass, type CheckResult } from './checkResult';

export const REDIS_LUA_CHECK = 'redis lua libraries';

/**
 * The Lua libraries triplane's scripts call, each with what depends on it: a Redis (or a managed
 * service's engine) without one would fail every batch of those functions at its first script call.
 */
export const LUA_LIBRARIES_USED: Readonly<Record<string, string>> = {
  cmsgpack: "every batch's apply script (shared/state/applyOnceScript.ts) decodes its entries with it",
};

/** `present`: the type each library's global has inside a script (`table` when it is there). */
export function checkRedisLuaLibraries(present: Readonly<Record<string, string>>): CheckResult {
  const missing = Object.keys(LUA_LIBRARIES_USED).filter((library) => present[library] !== 'table');
  if (missing.length === 0) return pass(REDIS_LUA_CHECK, `${Object.keys(LUA_LIBRARIES_USED).join(', ')} available to scripts`);
  return fail(
    REDIS_LUA_CHECK,
    missing.map((library) => `${library} is ${present[library] ?? 'not reported'} inside a script: ${LUA_LIBRARIES_USED[library] ?? '(no use recorded)'}`).join('; '),
    'use a Redis OSS or Valkey engine whose Lua runtime has the standard libraries (struct, cjson, cmsgpack, bit)',
  );
}
