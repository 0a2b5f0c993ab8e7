import { redisUserIdOf, redisUserOf } from '../../../../shared/routes/derivedNames';
import { Redis } from 'ioredis';
import { derivedResources } from '../../../../deploy/derivedResources';
import { localPassword } from '../../../../emulator/services/applyAccessControl';
import { FUNCTIONS, type FunctionRoute } from '../../../../shared/routes/functionCatalog';
import { usesRedis } from '../../../../shared/security/redisAcl';
import { PROJECTIONS } from '../../../../shared/state/projectionKeys';
import { deployedFunctionCatalog } from '../../../../testkit/deployedFunctionCatalog';

/**
 * Negative tests of every function's Redis rights, on the real Redis's ACL engine: each function is
 * denied every key outside its own families and every command it has no use for, both as the local
 * ACL user `npm run services` made (namespace tptest) and under the ElastiCache access string the
 * deploy config carries (rendered by deploy/derivedResources as `npm run package` does, applied to a
 * scratch local user, namespace tp).
 * Every verdict is ACL DRYRUN's (Redis evaluates the rules without running the command); the
 * harmless probes are then also run for real, logged in as the user, and must fail with NOPERM.
 */
jest.setTimeout(60_000);

const users = FUNCTIONS.filter(usesRedis);
let admin: Redis;

/** What a key is, by the layout of shared/state/redisKeys and projectionKeys (independent of the ACL globs). */
interface KeyShape {
  family: string;
  projection?: string;
  consumer?: string;
}
function shapeOf(namespace: string, key: string): KeyShape | undefined {
  if (!key.startsWith(`${namespace}:`)) return undefined;
  const parts = key.slice(namespace.length + 1).split(':');
  const generation = /^g(\d{1,4})-([a-z]+)$/.exec(parts[0] ?? '');
  if (generation !== null) {
    const family = parts[1] ?? '';
    return { family, projection: generation[2], ...(family === 'idem' ? { consumer: parts[2] } : {}) };
  }
  if (/^g\d+-/.test(parts[0] ?? '')) return undefined; // past the generation digits any rule allows
  const family = parts[0] ?? '';
  return { family, ...(family === 'idem' ? { consumer: parts[1] } : {}), ...(family === 'generation' ? { projection: parts[1] } : {}) };
}

/** The projection that writes `family` (its generations hold it), as the manifest says. */
const holderOf = (family: string): string | undefined => FUNCTIONS.find((f) => f.projection !== undefined && f.redis.writes.includes(family))?.projection;

/** May `fn` read / write `key`? The manifest's intent, written out plainly. */
function expected(fn: FunctionRoute, namespace: string, key: string): { read: boolean; write: boolean } {
  const shape = shapeOf(namespace, key);
  if (shape === undefined) return { read: false, write: false };
  const touched = [...fn.redis.reads, ...fn.redis.writes];
  if (shape.family === 'generation') {
    // Its own projection's pointer, and the pointer of each projection whose family it reads (the starter reads the order view).
    const pointers = new Set([fn.projection, ...touched.filter((f) => !['idem', 'ratelimit', 'saga'].includes(f)).map((f) => fn.projection ?? holderOf(f))]);
    return { read: shape.projection !== undefined && pointers.has(shape.projection), write: false };
  }
  if (shape.family === 'ratelimit') return { read: fn.redis.writes.includes('ratelimit') && fn.redis.reads.length > 0, write: fn.redis.writes.includes('ratelimit') };
  const ownScope =
    shape.family === 'idem'
      ? shape.consumer === fn.name && shape.projection === (fn.projection !== undefined && fn.trigger.kind === 'msk' ? fn.projection : undefined)
      : shape.family === 'saga'
        ? shape.projection === undefined
        : shape.projection !== undefined && shape.projection === (fn.projection ?? holderOf(shape.family));
  if (!ownScope) return { read: false, write: false };
  const writes = fn.redis.writes.includes(shape.family);
  return { read: writes || fn.redis.reads.includes(shape.family), write: writes };
}

/** One key of every family and scope, plus keys crafted to look like another family's. */
function probeKeys(namespace: string): string[] {
  const g = (projection: string, generation = 7777) => `${namespace}:g${generation}-${projection}`;
  const keys = [
    `${g('sessions')}:session:acl-s1`,
    `${g('flags')}:flags`,
    `${g('flags')}:flags:acl-x`,
    `${g('leaderboards')}:leaderboard:acl-b1`,
    `${g('activity')}:activity:acl-u1`,
    `${g('activity')}:activity-day:acl-u1:2026-12-01`,
    `${g('orders')}:order:acl-o1`,
    `${namespace}:ratelimit:acl-k:1`,
    `${namespace}:saga:acl-o1`,
    // A saga-looking key inside a generation is no saga record.
    `${g('orders')}:saga:acl-o1`,
    ...PROJECTIONS.map((p) => `${namespace}:generation:${p}`),
    // Ids that spell other families (the old `~ns:*ratelimit:*` matched the first).
    `${g('activity')}:activity-day:ratelimit:x`,
    `${g('sessions')}:session:flags`,
    `${g('sessions')}:session:x:leaderboard:y`,
    `${g('flags', 1)}:session:acl-s1`,
    `${g('sessions', 12345)}:session:acl-s1`,
    `${namespace}:session:acl-s1`,
    `${namespace}:ratelimitx:acl-k`,
    `other${namespace}:ratelimit:acl-k:1`,
    `${namespace}x:g1-flags:flags`,
  ];
  for (const fn of FUNCTIONS) {
    keys.push(`${namespace}:idem:${fn.name}:acl-e1`);
    for (const p of PROJECTIONS) keys.push(`${g(p)}:idem:${fn.name}:acl-e1`);
  }
  return keys;
}

/** Commands nobody may run (they list every key, change the server, or leave the data plane). */
const FORBIDDEN: string[][] = [
  ['FLUSHALL'],
  ['FLUSHDB'],
  ['KEYS', '*'],
  ['SCAN', '0'],
  ['RANDOMKEY'],
  ['CONFIG', 'GET', 'maxmemory'],
  ['CONFIG', 'SET', 'maxmemory', '1'],
  ['CLIENT', 'LIST'],
  ['CLIENT', 'KILL', 'ID', '1'],
  ['DEBUG', 'SLEEP', '0'],
  ['SHUTDOWN'],
  ['MONITOR'],
  ['ACL', 'LIST'],
  ['ACL', 'SETUSER', 'x'],
  ['MULTI'],
  ['PUBLISH', 'ch', 'x'],
  ['SUBSCRIBE', 'ch'],
  ['SCRIPT', 'FLUSH'],
  ['FUNCTION', 'FLUSH'],
  ['SWAPDB', '0', '1'],
  ['BGSAVE'],
  ['SAVE'],
  ['REPLICAOF', 'NO', 'ONE'],
  ['MODULE', 'LIST'],
  ['MIGRATE', '127.0.0.1', '1', 'k', '0', '1'],
  ['SLOWLOG', 'GET'],
  ['LATENCY', 'DOCTOR'],
];

const allowed = async (user: string, command: string[]) => String(await admin.call('ACL', 'DRYRUN', user, ...command)) === 'OK';

interface Tally {
  denials: number;
  allowances: number;
  realDenials: number;
}

async function checkUser(fn: FunctionRoute, user: string, password: string, namespace: string): Promise<Tally> {
  const tally: Tally = { denials: 0, allowances: 0, realDenials: 0 };
  const mistakes: string[] = [];
  const verdict = async (command: string[], want: boolean) => {
    const got = await allowed(user, command);
    if (got !== want) mistakes.push(`${want ? 'denied' : 'allowed'}: ${command.join(' ')}`);
    if (want) tally.allowances++;
    else tally.denials++;
  };
  for (const key of probeKeys(namespace)) {
    const may = expected(fn, namespace, key);
    await verdict(['GET', key], may.read);
    await verdict(['EXISTS', key], may.read);
    await verdict(['EXPIRE', key, '60'], may.write);
    await verdict(['SET', key, 'x'], may.write && fn.redis.writes.some((f) => f !== 'ratelimit'));
    await verdict(['DEL', key], may.write && fn.redis.writes.some((f) => f !== 'ratelimit'));
  }
  for (const command of FORBIDDEN) await verdict(command, false);
  expect({ user, mistakes }).toEqual({ user, mistakes: [] });

  // The same, for real, as the user: reads of keys it may not read, writes (to keys that do not exist,
  // so a wrong verdict could change nothing) where it may not write, and the forbidden commands.
  const login = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { username: user, password, maxRetriesPerRequest: 0, lazyConnect: true });
  await login.connect();
  const deniedForReal = async (command: string[]) => {
    // Never run for real what the engine would allow: that is the dry run's failure to report.
    if (await allowed(user, command)) throw new Error(`${user} may run ${command.join(' ')}`);
    await expect(login.call(command[0] ?? '', ...command.slice(1))).rejects.toThrow(/NOPERM|can't run this command/);
    tally.realDenials++;
  };
  try {
    for (const key of probeKeys(namespace).filter((k) => k.includes(':g7777-') || k.includes(':ratelimit:') || k.includes(':idem:'))) {
      const may = expected(fn, namespace, key);
      if (!may.read) await deniedForReal(['EXISTS', key]);
      if (!may.write) await deniedForReal(['EXPIRE', key, '60']);
      // Inside a script the same rules hold: a script cannot reach what its caller cannot.
      if (!may.write && (await allowed(user, ['EVAL', 'return 1', '0']))) {
        await expect(login.eval("return redis.call('EXPIRE', KEYS[1], 60)", 1, key)).rejects.toThrow(/NOPERM|can't run this command/);
        tally.realDenials++;
      }
    }
    // Not run for real: blocking or session-changing commands, and DEBUG, which this server refuses
    // to everyone before the ACL is consulted (enable-debug-command); the dry run judged them all.
    const notRun = new Set(['MONITOR', 'SUBSCRIBE', 'SHUTDOWN', 'MULTI', 'DEBUG']);
    for (const command of FORBIDDEN.filter(([name]) => !notRun.has(name ?? ''))) await deniedForReal(command);
  } finally {
    login.disconnect();
  }
  return tally;
}

const totals: Record<'local' | 'deployed', Tally & { users: number }> = {
  local: { users: 0, denials: 0, allowances: 0, realDenials: 0 },
  deployed: { users: 0, denials: 0, allowances: 0, realDenials: 0 },
};
const add = (into: Tally & { users: number }, tally: Tally) => {
  into.users++;
  into.denials += tally.denials;
  into.allowances += tally.allowances;
  into.realDenials += tally.realDenials;
};

beforeAll(() => {
  admin = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  // The README's security section quotes these figures.
  console.log(`ACL negative tests: ${JSON.stringify(totals)}`);
  await admin.quit();
});

describe('Redis ACL users (local, namespace tptest)', () => {
  it.each(users.map((fn) => [fn.name, fn] as const))('%s should be denied outside its key families and commands', async (_name, fn) => {
    const user = redisUserOf(fn, 'tptest');
    add(totals.local, await checkUser(fn, user, localPassword(user), 'tptest'));
  });
});

describe('ElastiCache access strings (deployed, as packaged, on a scratch local user)', () => {
  const template = { resources: derivedResources(deployedFunctionCatalog()) as { Resources: Record<string, { Properties: { AccessString?: string } }> } };
  const scratch = (fn: FunctionRoute) => `acl-scratch.${fn.name}`;
  afterAll(async () => {
    for (const fn of users) await admin.call('ACL', 'DELUSER', scratch(fn));
  });

  it.each(users.map((fn) => [fn.name, fn] as const))('%s should be denied outside its key families and commands', async (_name, fn) => {
    const accessString = template.resources.Resources[redisUserIdOf(fn.name)]?.Properties.AccessString;
    expect(typeof accessString).toBe('string');
    expect(accessString).not.toMatch(/(^| )reset( |$)/);
    const password = localPassword(scratch(fn));
    await admin.call('ACL', 'SETUSER', scratch(fn), 'reset', ...String(accessString).split(' '), `>${password}`);
    add(totals.deployed, await checkUser(fn, scratch(fn), password, 'tp'));
  });

  it('should hold the figures the README quotes', () => {
    expect(totals.local.users).toBe(users.length);
    expect(totals.deployed.users).toBe(users.length);
    expect(totals.local.denials).toBe(totals.deployed.denials);
  });
});
