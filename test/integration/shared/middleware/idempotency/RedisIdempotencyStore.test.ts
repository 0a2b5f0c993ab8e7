import fc from 'fast-check';
import { Redis } from 'ioredis';
import { nextOffsetKey, RedisIdempotencyStore } from '../../../../../shared/middleware/idempotency/RedisIdempotencyStore';
import { downstream } from '../../../../../shared/resilience/downstream';
import { command, type RedisOp } from '../../../../../shared/state/RedisOp';
import { redisKeys } from '../../../../../shared/state/redisKeys';

const namespace = `tptest-idem-${process.pid}-${Date.now()}`;
const keys = redisKeys(namespace);
let redis: Redis;
let store: RedisIdempotencyStore;
/** A user that may write the marks and boards starting `ok`, but not the others: one permission short. */
const scratchUser = `${namespace}-scratch`;
const scratchPassword = `pw-${process.pid}-${Date.now()}`;

/** The scratch user reset to write the marks and the boards starting `ok` only, logged in, with its store. */
async function storeShortOfWalledBoards(): Promise<{ scratch: Redis; scratchStore: RedisIdempotencyStore }> {
  await redis.call('ACL', 'SETUSER', scratchUser, 'reset', 'on', `>${scratchPassword}`, `~${namespace}:idem:*`, `~${namespace}:leaderboard:ok*`, '+@read', '+@write', '+evalsha', '+script|load');
  const scratch = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { username: scratchUser, password: scratchPassword });
  return { scratch, scratchStore: new RedisIdempotencyStore({ redis: scratch, ttlSeconds: 60 }) };
}

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  store = new RedisIdempotencyStore({ redis, ttlSeconds: 60 });
});

afterAll(async () => {
  await redis.call('ACL', 'DELUSER', scratchUser);
  const leftovers = await redis.keys(`${namespace}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  await redis.quit();
});

describe('RedisIdempotencyStore (real Redis)', () => {
  it('should apply a batch once, with marks that carry a TTL', async () => {
    const board = keys.leaderboard('once');
    const entries = [
      { eventId: 'e1', digest: 'd', ops: [command('ZINCRBY', board, 5, 'u1')] },
      { eventId: 'e2', digest: 'd', ops: [command('ZINCRBY', board, 7, 'u1')] },
    ];
    expect((await store.commit(keys.idempotency('c', ''), entries)).applied).toEqual(['e1', 'e2']);
    const again = await store.commit(keys.idempotency('c', ''), entries);
    expect(again).toMatchObject({ applied: [], skipped: ['e1', 'e2'] });
    expect(await redis.zscore(board, 'u1')).toBe('12');
    const marked = (eventId: string, digest = 'd') => ({ eventId, digest });
    expect((await store.findApplied(keys.idempotency('c', ''), [marked('e1'), marked('e2', 'other'), marked('e3')])).marks).toEqual(
      new Map([
        ['e1', 'same'],
        ['e2', 'different'],
      ]),
    );
    expect(await redis.get(keys.idempotency('c', 'e1'))).toBe('d');
    const ttl = await redis.ttl(keys.idempotency('c', 'e1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('should apply nothing of an id marked with other content, and report it as a conflict', async () => {
    const board = keys.leaderboard('reused');
    await store.commit(keys.idempotency('reuse', ''), [{ eventId: 'x', digest: 'first', ops: [command('ZINCRBY', board, 5, 'u')] }]);
    const again = await store.commit(keys.idempotency('reuse', ''), [{ eventId: 'x', digest: 'second', ops: [command('ZINCRBY', board, 100, 'u')] }]);
    expect(again).toMatchObject({ applied: [], skipped: [], conflicts: ['x'] });
    expect(await redis.zscore(board, 'u')).toBe('5');
    // The mark keeps the first content: the first event stays the one its id names.
    expect(await redis.get(keys.idempotency('reuse', 'x'))).toBe('first');
  });

  it('should read a mark made before marks held digests as the same content', async () => {
    await redis.set(keys.idempotency('legacy', 'old'), '1', 'EX', 60);
    expect((await store.findApplied(keys.idempotency('legacy', ''), [{ eventId: 'old', digest: 'any' }])).marks).toEqual(new Map([['old', 'same']]));
    expect(await store.commit(keys.idempotency('legacy', ''), [{ eventId: 'old', digest: 'any', ops: [] }])).toMatchObject({ skipped: ['old'], conflicts: [] });
  });

  it('should keep marks per consumer', async () => {
    await store.commit(keys.idempotency('a', ''), [{ eventId: 'shared', digest: 'd', ops: [] }]);
    expect((await store.findApplied(keys.idempotency('b', ''), [{ eventId: 'shared', digest: 'd' }])).marks).toEqual(new Map());
  });

  it('should apply an event once when two invocations commit it at the same time', async () => {
    const board = keys.leaderboard('race');
    const entries = Array.from({ length: 50 }, (_, i) => ({ eventId: `r${i}`, digest: 'd', ops: [command('ZINCRBY', board, 1, 'u')] }));
    const [first, second] = await Promise.all([store.commit(keys.idempotency('race', ''), entries), store.commit(keys.idempotency('race', ''), entries)]);
    expect(first.applied.length + second.applied.length).toBe(50);
    expect(await redis.zscore(board, 'u')).toBe('50');
  });

  it('should apply nothing twice when the function dies after the script ran and the batch comes again', async () => {
    const scope = keys.idempotency('died', '');
    const board = keys.leaderboard('died');
    const entries = Array.from({ length: 20 }, (_, i) => ({ eventId: `k${i}`, digest: 'd', ops: [command('ZINCRBY', board, 1, 'u')] }));
    // The invocation applied the batch, then died before it could answer: its result is lost, its offset not committed.
    await store.commit(scope, entries, [{ partition: 'scores:1', next: 120n }]);
    // The redelivery starts below the offset the script moved on: its marks are read first, and all are found.
    const again = await store.findApplied(
      scope,
      entries.map(({ eventId, digest }) => ({ eventId, digest })),
      ['scores:1'],
    );
    expect(again.expected.get('scores:1')).toBe(120n);
    expect([...again.marks.values()]).toEqual(entries.map(() => 'same'));
    // And a commit that never read them (a pure handler's fresh-looking batch) is skipped whole by the script.
    expect(await store.commit(scope, entries, [{ partition: 'scores:1', next: 120n }])).toMatchObject({ applied: [], skipped: entries.map((e) => e.eventId) });
    expect(await redis.zscore(board, 'u')).toBe('20');
  });

  it('should leave each entry applied and marked, or neither, when the script stops half-way, and apply the rest once on the retry', async () => {
    // A hand-written rule that tells ids apart: the marks of ids starting `b` may not be written. The
    // script asks the marks' SET once (on the first mark), so the third entry's SET fails inside it.
    const scope = keys.idempotency('halt', '');
    const board = keys.leaderboard('halt');
    await redis.call('ACL', 'SETUSER', scratchUser, 'reset', 'on', `>${scratchPassword}`, `~${scope}a*`, `~${board}`, '+@read', '+@write', '+evalsha', '+script|load');
    const scratch = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { username: scratchUser, password: scratchPassword });
    const scratchStore = new RedisIdempotencyStore({ redis: scratch, ttlSeconds: 60 });
    const entries = [
      { eventId: 'a1', digest: 'd', ops: [command('ZINCRBY', board, 1, 'u')] },
      { eventId: 'a2', digest: 'd', ops: [command('ZINCRBY', board, 10, 'u')] },
      { eventId: 'b3', digest: 'd', ops: [command('ZINCRBY', board, 100, 'u')] },
      { eventId: 'a4', digest: 'd', ops: [command('ZINCRBY', board, 1_000, 'u')] },
    ];
    try {
      await expect(scratchStore.commit(scope, entries)).rejects.toThrow(/can't access at least one of the keys|NOPERM/);
      expect(await redis.zscore(board, 'u')).toBe('11');
      expect(await redis.mget(scope + 'a1', scope + 'a2', scope + 'b3', scope + 'a4')).toEqual(['d', 'd', null, null]);

      await redis.call('ACL', 'SETUSER', scratchUser, `~${scope}*`);
      expect(await scratchStore.commit(scope, entries)).toMatchObject({ applied: ['b3', 'a4'], skipped: ['a1', 'a2'] });
      expect(await redis.zscore(board, 'u')).toBe('1111');
    } finally {
      await scratch.quit();
    }
  });

  it('should apply each id of any mix of commands, touches and empty entries exactly once, in one batch and on its redeliveries', async () => {
    // The script walks a flat argument list (per op its count or `t`): any misreading shows as a counter off.
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('incr' as const), n: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ kind: fc.constant('hincr' as const), field: fc.constantFrom('a', 'b'), n: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ kind: fc.constant('zincr' as const), member: fc.constantFrom('m1', 'm2'), n: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ kind: fc.constant('touch' as const), live: fc.boolean() }),
    );
    type MixOp = typeof opArb extends fc.Arbitrary<infer T> ? T : never;
    const batchArb = fc.array(fc.record({ id: fc.integer({ min: 0, max: 12 }), ops: fc.array(opArb, { maxLength: 3 }) }), { minLength: 1, maxLength: 25 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 3 }), async (batches) => {
        run++;
        const scope = keys.idempotency(`mix${run}`, '');
        const counter = keys.leaderboard(`mix${run}-counter`);
        const hash = keys.session(`mix${run}-hash`);
        const zset = keys.leaderboard(`mix${run}-zset`);
        const live = keys.session(`mix${run}-live`);
        await redis.hset(live, 'ttlSeconds', '100');
        const opOf = (op: MixOp): RedisOp => {
          if (op.kind === 'incr') return command('INCRBY', counter, op.n);
          if (op.kind === 'hincr') return command('HINCRBY', hash, op.field, op.n);
          if (op.kind === 'zincr') return command('ZINCRBY', zset, op.n, op.member);
          return { kind: 'touch', key: op.live ? live : keys.session(`mix${run}-gone`), field: 'seen', value: 'v', at: Math.floor(Date.now() / 1000), ttlField: 'ttlSeconds' };
        };
        const expected = { counter: 0, hash: new Map<string, number>(), zset: new Map<string, number>() };
        const firstOps = new Map<string, MixOp[]>();
        for (const batch of batches) for (const { id, ops } of batch) if (!firstOps.has(`e${id}`)) firstOps.set(`e${id}`, ops);
        for (const ops of firstOps.values())
          for (const op of ops) {
            if (op.kind === 'incr') expected.counter += op.n;
            else if (op.kind === 'hincr') expected.hash.set(op.field, (expected.hash.get(op.field) ?? 0) + op.n);
            else if (op.kind === 'zincr') expected.zset.set(op.member, (expected.zset.get(op.member) ?? 0) + op.n);
          }
        // An id's content is its first ops: a later record with other ops under that id is a reused id, refused.
        const digestOf = (id: number) => `d${id}`;
        for (const batch of batches) {
          const entries = batch.map(({ id, ops }) => ({ eventId: `e${id}`, digest: digestOf(id), ops: (firstOps.get(`e${id}`) ?? ops).map(opOf) }));
          // Each batch delivered twice: the second delivery applies nothing.
          const first = await store.commit(scope, entries, [{ partition: 'mix:0', next: 1n }]);
          const again = await store.commit(scope, entries, [{ partition: 'mix:0', next: 1n }]);
          expect(again.applied).toEqual([]);
          expect(first.failed.size + again.failed.size).toBe(0);
        }
        expect(Number((await redis.get(counter)) ?? 0)).toBe(expected.counter);
        for (const field of ['a', 'b']) expect(Number((await redis.hget(hash, field)) ?? 0)).toBe(expected.hash.get(field) ?? 0);
        for (const member of ['m1', 'm2']) expect(Number((await redis.zscore(zset, member)) ?? 0)).toBe(expected.zset.get(member) ?? 0);
        expect(await redis.exists(keys.session(`mix${run}-gone`))).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('should apply and mark ids, digests and arguments holding any bytes exactly as sent (one packed argument, read by length)', async () => {
    // What ioredis would have stored from the same strings as arguments of their own: their UTF-8 bytes.
    const stored = (value: string) => Buffer.from(value, 'utf8').toString('utf8');
    const hostile = ['', '__proto__', 'constructor', ':', '\0', 'x\0y', '\r\n$3\r\nSET\r\n', '\u00dd\u00d9\u00a0\u00ce', '\u{1f600}', '\ud800', 'a'.repeat(70_000), 't', '5'];
    const unit = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...hostile));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.record({ id: unit, digest: unit, field: unit, value: unit }), { minLength: 1, maxLength: 12, selector: (e) => stored(e.id) }), async (records) => {
        run++;
        const scope = keys.idempotency(`bytes${run}`, '');
        const hash = keys.session(`bytes${run}`);
        const entries = records.map(({ id, digest, field, value }) => ({ eventId: id, digest, ops: [command('HSET', hash, field, value), command('HINCRBY', hash, `n:${field}`, 1)] }));
        const first = await store.commit(scope, entries, [{ partition: 'bytes:0', next: 1n }]);
        expect(first).toMatchObject({ applied: records.map((r) => r.id), skipped: [], conflicts: [], unapplied: [] });
        expect(first.failed.size).toBe(0);
        const expected = new Map<string, string>();
        for (const { field, value } of records) {
          expected.set(stored(field), stored(value));
          expected.set(`n:${stored(field)}`, String(Number(expected.get(`n:${stored(field)}`) ?? 0) + 1));
        }
        expect(new Map(Object.entries(await redis.hgetall(hash)))).toEqual(expected);
        for (const { id, digest } of records) expect(await redis.get(scope + id)).toBe(stored(digest));
        // Delivered again: every id found by its mark; with another digest, refused as a reused id.
        expect(await store.commit(scope, entries)).toMatchObject({ applied: [], skipped: records.map((r) => r.id) });
        const reused = await store.commit(
          scope,
          entries.map((entry) => ({ ...entry, digest: `${entry.digest}-other` })),
        );
        expect(reused).toMatchObject({ applied: [], conflicts: records.map((r) => r.id) });
        expect(new Map(Object.entries(await redis.hgetall(hash)))).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });

  it('should report a refused op by event id and still apply the rest', async () => {
    const text = keys.flags();
    await redis.set(text, 'not a hash');
    const result = await store.commit(keys.idempotency('fail', ''), [
      { eventId: 'bad', digest: 'd', ops: [command('HSET', text, 'f', 'v')] },
      { eventId: 'good', digest: 'd', ops: [command('ZINCRBY', keys.leaderboard('after-fail'), 1, 'u')] },
    ]);
    expect(result.failed.get('bad')).toMatch(/WRONGTYPE/);
    expect(result.applied).toEqual(['bad', 'good']);
    expect(await redis.zscore(keys.leaderboard('after-fail'), 'u')).toBe('1');
  });

  it('should touch an existing hash only, pushing its expiry from the stored TTL', async () => {
    const live = keys.session('live');
    await redis.hset(live, 'ttlSeconds', '100');
    const at = Math.floor(Date.now() / 1000);
    await store.commit(keys.idempotency('touch', ''), [
      { eventId: 't1', digest: 'd', ops: [{ kind: 'touch', key: live, field: 'lastSeenAt', value: 'now', at, ttlField: 'ttlSeconds' }] },
      { eventId: 't2', digest: 'd', ops: [{ kind: 'touch', key: keys.session('gone'), field: 'lastSeenAt', value: 'now', at, ttlField: 'ttlSeconds' }] },
    ]);
    expect(await redis.hget(live, 'lastSeenAt')).toBe('now');
    expect(await redis.ttl(live)).toBeGreaterThan(90);
    expect(await redis.exists(keys.session('gone'))).toBe(0);
  });

  it('should send its script on a connection that has not connected yet, and on one that was closed and opened again', async () => {
    const lazy = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
    try {
      const lazyStore = new RedisIdempotencyStore({ redis: () => lazy, ttlSeconds: 60 });
      const scope = keys.idempotency('lazy', '');
      const board = keys.leaderboard('lazy');
      expect(lazy.status).toBe('wait');
      expect((await lazyStore.commit(scope, [{ eventId: 'l1', digest: 'd', ops: [command('ZINCRBY', board, 2, 'u')] }])).applied).toEqual(['l1']);
      lazy.disconnect(true);
      expect(
        (
          await lazyStore.commit(scope, [
            { eventId: 'l2', digest: 'd', ops: [command('ZINCRBY', board, 3, 'u')] },
            { eventId: 'l1', digest: 'd', ops: [command('ZINCRBY', board, 2, 'u')] },
          ])
        ).applied,
      ).toEqual(['l2']);
      expect(await redis.zscore(board, 'u')).toBe('5');
    } finally {
      lazy.disconnect();
    }
  });

  it('should load the script again after Redis forgets it', async () => {
    await store.commit(keys.idempotency('flush', ''), [{ eventId: 'f1', digest: 'd', ops: [] }]);
    await redis.script('FLUSH');
    expect((await store.commit(keys.idempotency('flush', ''), [{ eventId: 'f2', digest: 'd', ops: [] }])).applied).toEqual(['f2']);
  });
  it("should keep each partition's next offset, only ever forward, with the marks' TTL, in the same round trips", async () => {
    const scope = keys.idempotency('offsets', '');
    await store.commit(scope, [{ eventId: 'o1', digest: 'd', ops: [] }], [{ partition: 'scores:3', next: 120n }]);
    expect((await store.findApplied(scope, [{ eventId: 'o1', digest: 'd' }], ['scores:3', 'scores:4'])).expected).toEqual(new Map([['scores:3', 120n]]));
    // An older delivery (a retry, a second mapping) must not move the expectation back.
    await store.commit(scope, [], [{ partition: 'scores:3', next: 90n }]);
    expect((await store.findApplied(scope, [], ['scores:3'])).expected.get('scores:3')).toBe(120n);
    await store.commit(scope, [], [{ partition: 'scores:3', next: 9_007_199_254_740_000n }]);
    expect((await store.findApplied(scope, [], ['scores:3'])).expected.get('scores:3')).toBe(9_007_199_254_740_000n);
    expect(await redis.ttl(nextOffsetKey(scope, 'scores:3'))).toBeGreaterThan(50);
  });

  it('should apply each record of a run on one key once, skipping its marked records, reporting reused ids and failed writes by their own event', async () => {
    // Consecutive records of one command on one key travel as a run (applyOncePayload): each is still marked and settled alone.
    const scope = keys.idempotency('run', '');
    const board = keys.leaderboard('run-board');
    const wrong = keys.leaderboard('run-wrong');
    const members = keys.leaderboard('run-members');
    await redis.set(wrong, 'a string, not a sorted set');
    const run = (ids: number[], digest = (id: number) => `d${id}`) => ids.map((id) => ({ eventId: `r${id}`, digest: digest(id), ops: [command('ZINCRBY', board, id, `u${id % 2}`)] }));
    await store.commit(scope, run([3, 4, 6]));
    const entries = [
      ...run([1, 2, 3, 4, 5]),
      ...run([6], () => 'other content'),
      ...run([7, 8]),
      ...[9, 10].map((id) => ({ eventId: `r${id}`, digest: `d${id}`, ops: [command('ZINCRBY', wrong, 1, 'u')] })),
      { eventId: 'r11', digest: 'd11', ops: [command('ZINCRBY', board, 100, 'u1'), command('ZINCRBY', wrong, 1, 'u')] },
      // A command whose verdict the script does not keep by its name and key: each record of the run checked alone.
      ...[12, 13].map((id) => ({ eventId: `r${id}`, digest: `d${id}`, ops: [command('SADD', members, `m${id}`)] })),
    ];
    const result = await store.commit(scope, entries, [{ partition: 'run:0', next: 11n }]);
    expect(result).toMatchObject({ applied: ['r1', 'r2', 'r5', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13'], skipped: ['r3', 'r4'], conflicts: ['r6'], denied: undefined });
    expect([...result.failed.keys()]).toEqual(['r9', 'r10', 'r11']);
    expect(result.failed.get('r9')).toMatch(/WRONGTYPE/);
    // u0: 2 + 4 + 6 + 8 (3, 4 and 6 from the first commit), u1: 1 + 3 + 5 + 7 + 100.
    expect(await redis.zscore(board, 'u0')).toBe('20');
    expect(await redis.zscore(board, 'u1')).toBe('116');
    expect(await redis.mget(entries.map((entry) => scope + entry.eventId))).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9', 'd10', 'd11', 'd12', 'd13']);
    expect((await redis.smembers(members)).sort()).toEqual(['m12', 'm13']);
    expect(await store.commit(scope, entries, [{ partition: 'run:0', next: 11n }])).toMatchObject({ applied: [], conflicts: ['r6'] });
    expect(await redis.zscore(board, 'u1')).toBe('116');
  });

  it('should refuse a run on a key its user may not write at its first unmarked record, skip the marked ones before it, and apply the rest once the rule is fixed', async () => {
    const { scratch, scratchStore } = await storeShortOfWalledBoards();
    const scope = keys.idempotency('run-denied', '');
    const ok = keys.leaderboard('ok-run');
    const walled = keys.leaderboard('walled-run');
    const entries = [
      { eventId: 'a1', digest: 'd', ops: [command('ZINCRBY', ok, 1, 'u')] },
      ...['w1', 'w2', 'w3', 'w4'].map((eventId) => ({ eventId, digest: 'd', ops: [command('ZINCRBY', walled, 10, 'u')] })),
      ...['b1', 'b2'].map((eventId) => ({ eventId, digest: 'd', ops: [command('ZINCRBY', ok, 1_000, 'u')] })),
    ];
    // w1 was applied once before (by a user that could): marked, so its refused write is never attempted.
    await store.commit(scope, [{ eventId: 'w1', digest: 'd', ops: [command('ZINCRBY', walled, 10, 'u')] }]);
    try {
      const refused = await scratchStore.commit(scope, entries, [{ partition: 'scores:0', next: 7n }]);
      expect(refused).toMatchObject({ applied: ['a1'], skipped: ['w1'], unapplied: ['w2', 'w3', 'w4', 'b1', 'b2'], denied: { eventId: 'w2', command: 'ZINCRBY', key: walled } });
      expect(await redis.zscore(ok, 'u')).toBe('1');
      expect(await redis.zscore(walled, 'u')).toBe('10');
      expect(await redis.mget(['w2', 'w3', 'w4', 'b1', 'b2'].map((id) => scope + id))).toEqual([null, null, null, null, null]);
      expect(await redis.exists(nextOffsetKey(scope, 'scores:0'))).toBe(0);

      await redis.call('ACL', 'SETUSER', scratchUser, `~${walled}`);
      expect(await scratchStore.commit(scope, entries, [{ partition: 'scores:0', next: 7n }])).toMatchObject({ applied: ['w2', 'w3', 'w4', 'b1', 'b2'], skipped: ['a1', 'w1'], denied: undefined });
      expect(await redis.zscore(ok, 'u')).toBe('2001');
      expect(await redis.zscore(walled, 'u')).toBe('40');
      expect(await redis.get(nextOffsetKey(scope, 'scores:0'))).toBe('7');
    } finally {
      await scratch.quit();
    }
  });

  it('should apply nothing of a write its user may not make, nor anything after it, mark only what came before, and apply the rest once the rule is fixed', async () => {
    const { scratch, scratchStore } = await storeShortOfWalledBoards();
    const scope = keys.idempotency('denied', '');
    const ok = keys.leaderboard('ok-board');
    const walled = keys.leaderboard('walled-board');
    const entries = [
      { eventId: 'd1', digest: 'd', ops: [command('ZINCRBY', ok, 1, 'u')] },
      { eventId: 'd2', digest: 'd', ops: [command('ZINCRBY', ok, 10, 'u'), command('ZINCRBY', walled, 100, 'u')] },
      { eventId: 'd3', digest: 'd', ops: [command('ZINCRBY', ok, 1_000, 'u')] },
    ];
    const before = downstream('redis').status();
    try {
      const refused = await scratchStore.commit(scope, entries, [{ partition: 'scores:0', next: 7n }]);
      expect(refused).toMatchObject({ applied: ['d1'], unapplied: ['d2', 'd3'], denied: { eventId: 'd2', command: 'ZINCRBY', key: walled } });
      // d2's first op was allowed, but it did not run: nothing of a refused record is applied.
      expect(await redis.zscore(ok, 'u')).toBe('1');
      expect(await redis.exists(walled)).toBe(0);
      expect(await redis.mget(scope + 'd1', scope + 'd2', scope + 'd3')).toEqual(['d', null, null]);
      expect(await redis.exists(nextOffsetKey(scope, 'scores:0'))).toBe(0);
      // Counted and logged as a defect by the Redis downstream, and kept away from its shared breaker.
      const after = downstream('redis').status();
      expect(after.denied).toBe(before.denied + 1);
      expect(after.failures).toBe(before.failures);
      expect(after.state).toBe('closed');

      await redis.call('ACL', 'SETUSER', scratchUser, `~${walled}`);
      const retried = await scratchStore.commit(scope, entries, [{ partition: 'scores:0', next: 7n }]);
      expect(retried).toMatchObject({ applied: ['d2', 'd3'], skipped: ['d1'], unapplied: [], denied: undefined });
      expect(await redis.zscore(ok, 'u')).toBe('1011');
      expect(await redis.zscore(walled, 'u')).toBe('100');
      expect(await redis.get(nextOffsetKey(scope, 'scores:0'))).toBe('7');
    } finally {
      await scratch.quit();
    }
  });

  it('should refuse the first entry when its user may not SET a mark at all, applying and marking nothing, and skip a marked duplicate whose write is refused', async () => {
    const scope = keys.idempotency('nomark', '');
    const ok = keys.leaderboard('ok-nomark');
    const walled = keys.leaderboard('walled-nomark');
    await store.commit(scope, [{ eventId: 'm0', digest: 'd', ops: [] }]);
    // The script asks SET of the marks once per batch (EVAL already checked every declared key): the command itself is what is refused here.
    await redis.call(
      'ACL',
      'SETUSER',
      scratchUser,
      'reset',
      'on',
      `>${scratchPassword}`,
      `~${namespace}:idem:*`,
      `~${namespace}:leaderboard:ok*`,
      '+@read',
      '+@write',
      '-set',
      '+evalsha',
      '+script|load',
    );
    const scratch = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { username: scratchUser, password: scratchPassword });
    const scratchStore = new RedisIdempotencyStore({ redis: scratch, ttlSeconds: 60 });
    try {
      const refused = await scratchStore.commit(scope, [
        { eventId: 'm1', digest: 'd', ops: [command('ZINCRBY', ok, 1, 'u')] },
        { eventId: 'm2', digest: 'd', ops: [command('ZINCRBY', ok, 1, 'u')] },
      ]);
      expect(refused).toMatchObject({ applied: [], unapplied: ['m1', 'm2'], denied: { eventId: 'm1', command: 'SET', key: scope + 'm1' } });
      expect(await redis.exists(ok, scope + 'm1', scope + 'm2')).toBe(0);

      await redis.call('ACL', 'SETUSER', scratchUser, '+set');
      // m0 is marked: its refused write is never attempted, so it is a duplicate, not a defect; m3 after it runs.
      const mixed = await scratchStore.commit(scope, [
        { eventId: 'm0', digest: 'd', ops: [command('ZINCRBY', walled, 1, 'u')] },
        { eventId: 'm3', digest: 'd', ops: [command('ZINCRBY', ok, 5, 'u')] },
      ]);
      expect(mixed).toMatchObject({ applied: ['m3'], skipped: ['m0'], unapplied: [], denied: undefined });
      expect(await redis.zscore(ok, 'u')).toBe('5');
      expect(await redis.exists(walled)).toBe(0);
    } finally {
      await scratch.quit();
    }
  });
});
