import fc from 'fast-check';
import { applyOncePayload, type PayloadEntry } from '../../../../shared/state/applyOncePayload';
import { command, type RedisOp } from '../../../../shared/state/RedisOp';

/**
 * A MessagePack reader written from the spec (https://github.com/msgpack/msgpack/blob/master/spec.md)
 * for the types the payload may hold (array 32, positive and negative fixint, uint 16/32, int 16/32, str types), independent of
 * the writer: strings come back as the UTF-8 bytes' text. Anything else, or bytes left over, throws.
 */
function decode(payload: Buffer): Array<string | number> {
  let at = 0;
  const byte = () => {
    const value = payload[at++];
    if (value === undefined) throw new Error('payload ends early');
    return value;
  };
  const uint = (size: number) => {
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + byte();
    return value;
  };
  const text = (length: number) => {
    if (at + length > payload.length) throw new Error('string runs past the payload');
    const value = payload.subarray(at, at + length).toString('utf8');
    at += length;
    return value;
  };
  if (byte() !== 0xdd) throw new Error('not an array 32');
  const items = uint(4);
  const out: Array<string | number> = [];
  for (let i = 0; i < items; i++) {
    const type = byte();
    if (type < 0x80) out.push(type);
    else if (type >= 0xe0) out.push(type - 0x100);
    else if (type === 0xd1) out.push(uint(2) - 0x10000);
    else if (type === 0xd2) out.push(uint(4) - 0x100000000);
    else if (type >= 0xa0 && type <= 0xbf) out.push(text(type & 0x1f));
    else if (type === 0xd9) out.push(text(uint(1)));
    else if (type === 0xda) out.push(text(uint(2)));
    else if (type === 0xdb) out.push(text(uint(4)));
    else if (type === 0xcd) out.push(uint(2));
    else if (type === 0xce) out.push(uint(4));
    else throw new Error(`unexpected type byte ${type.toString(16)}`);
  }
  if (at !== payload.length) throw new Error(`${payload.length - at} bytes after the array`);
  return out;
}

/**
 * The decoded items with every back reference and run resolved as applyOnceScript resolves them: a
 * negative header -(n + 1) is followed by the position (from 1) of an earlier op's name, whose name and
 * key it takes, then its other n - 2 arguments; a number where an entry starts is a run of that many
 * entries, each with one command of the argument count, name and key that follow it, then per entry
 * its id, digest and other arguments. Throws if a reference points anywhere but at the name of an
 * earlier command written in full (a run's included).
 */
function resolved(items: ReadonlyArray<string | number>): Array<string | number> {
  const out: Array<string | number> = [];
  const fullNames = new Set<number>();
  let at = 0;
  const next = () => {
    const item = items[at++];
    if (item === undefined) throw new Error('items end early');
    return item;
  };
  while (at < items.length) {
    if (typeof items[at] === 'number') {
      const count = Number(next());
      const nargs = Number(next());
      if (count < 2 || nargs < 2) throw new Error(`a run of ${count} entries of ${nargs} arguments`);
      fullNames.add(at + 1);
      const name = next();
      const key = next();
      for (let r = 0; r < count; r++) {
        out.push(next(), next(), 1, nargs + 1, name, key);
        for (let i = 0; i < nargs - 2; i++) out.push(next());
      }
      continue;
    }
    out.push(next(), next());
    const nops = next();
    out.push(nops);
    for (let o = 0; o < Number(nops); o++) {
      const header = Number(next());
      if (header === 0) {
        out.push(0);
        for (let i = 0; i < 5; i++) out.push(next());
      } else if (header > 0) {
        out.push(header);
        fullNames.add(at + 1);
        for (let i = 0; i < header - 1; i++) out.push(next());
      } else {
        const ref = Number(next());
        if (!fullNames.has(ref)) throw new Error(`reference ${ref} is not the name of an earlier op in full`);
        out.push(-header, items[ref - 1] ?? '', items[ref] ?? '');
        for (let i = 0; i < -header - 3; i++) out.push(next());
      }
    }
  }
  return out;
}

/** The flat layout applyOnceScript walks, built the obvious way (what the arguments used to be). */
function expectedItems(entries: readonly PayloadEntry[]): Array<string | number> {
  const utf8 = (value: string) => Buffer.from(value, 'utf8').toString('utf8');
  return entries.flatMap((entry) => [
    utf8(entry.eventId),
    utf8(entry.digest),
    entry.ops.length,
    ...entry.ops.flatMap((op) => (op.kind === 'command' ? [op.args.length + 1, ...op.args.map(utf8)] : [0, utf8(op.key), utf8(op.field), utf8(op.value), String(op.at), utf8(op.ttlField)])),
  ]);
}

/** Strings that look like structure to a reader that would search the text, or that sit on a header's size boundary. */
const hostile = [
  '',
  '__proto__',
  'constructor',
  ':',
  'a:b:c',
  '\0',
  'x\0y',
  '\r\n$3\r\nSET\r\n',
  '\u00dd\u00d9\u00a0',
  '\u{1f600}',
  '\ud800',
  'é'.repeat(20),
  'a'.repeat(31),
  'a'.repeat(32),
  'a'.repeat(255),
  'a'.repeat(256),
  'a'.repeat(65_535),
  'a'.repeat(65_536),
  '\u00e9'.repeat(16),
];

describe('applyOncePayload', () => {
  it('should give the script every id, digest, count and argument back exactly, whatever the strings hold', () => {
    const op: fc.Arbitrary<RedisOp> = fc.oneof(
      fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...hostile)), { maxLength: 6 }).map((args) => command(...args)),
      fc.record({
        kind: fc.constant('touch' as const),
        key: fc.string({ unit: 'binary' }),
        field: fc.constantFrom(...hostile),
        value: fc.string({ unit: 'binary' }),
        at: fc.integer({ min: 0, max: 2 ** 40 }),
        ttlField: fc.string(),
      }),
    );
    const entry: fc.Arbitrary<PayloadEntry> = fc.record({
      eventId: fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...hostile)),
      digest: fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom(...hostile)),
      ops: fc.array(op, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        expect(resolved(decode(applyOncePayload(entries)))).toEqual(expectedItems(entries));
      }),
      { numRuns: 300 },
    );
  });

  it('should give the same items back when every string is ASCII (the one-string path), at every header size', () => {
    const ascii = fc.oneof(fc.string({ unit: 'binary-ascii' }), fc.constantFrom('', '\0', '\x7f', ':', 'a'.repeat(31), 'a'.repeat(32), 'a'.repeat(255), 'a'.repeat(256), 'a'.repeat(65_536)));
    const op: fc.Arbitrary<RedisOp> = fc.oneof(
      fc.array(ascii, { maxLength: 6 }).map((args) => command(...args)),
      fc.record({ kind: fc.constant('touch' as const), key: ascii, field: ascii, value: ascii, at: fc.integer({ min: 0, max: 2 ** 40 }), ttlField: ascii }),
    );
    const entry: fc.Arbitrary<PayloadEntry> = fc.record({ eventId: ascii, digest: ascii, ops: fc.array(op, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        expect(resolved(decode(applyOncePayload(entries)))).toEqual(expectedItems(entries));
      }),
      { numRuns: 300 },
    );
  });

  it('should write the whole batch again as UTF-8 when one string of it is not ASCII, even the last one', () => {
    const entries: PayloadEntry[] = Array.from({ length: 200 }, (_, i) => ({ eventId: `e${i}`, digest: 'd'.repeat(22), ops: [command('ZINCRBY', 'board', String(i % 50), `u${i}`)] }));
    for (const odd of ['\u0080', '\u00ff', 'é', '\u{1f600}', '\ud800']) {
      const withOdd = [...entries, { eventId: 'last', digest: 'd', ops: [command('ZINCRBY', 'board', '1', `user-${odd}`)] }];
      expect(resolved(decode(applyOncePayload(withOdd)))).toEqual(expectedItems(withOdd));
    }
  });

  it('should refuse an argument that is not a string rather than write items that shift', () => {
    // A projection building its op by hand with a field of the event's JSON that is not the string its type says.
    for (const wrong of [123, true, 2n ** 70n, ['a', 'b'], { length: 2, toString: () => 'xyz' }]) {
      const entries = [{ eventId: 'e', digest: 'd', ops: [{ kind: 'command', args: ['ZINCRBY', 'board', '5', wrong] }] }] as unknown as PayloadEntry[];
      expect(() => applyOncePayload(entries)).toThrow(TypeError);
      const touch = [{ eventId: 'e', digest: 'd', ops: [{ kind: 'touch', key: 'k', field: 'f', value: wrong, at: 1, ttlField: 't' }] }] as unknown as PayloadEntry[];
      expect(() => applyOncePayload(touch)).toThrow(TypeError);
    }
  });

  it('should size each string header by its UTF-8 bytes, not its UTF-16 units', () => {
    // 16 units, 32 bytes: a fixstr header (up to 31 bytes) would cut it.
    const entries: PayloadEntry[] = [{ eventId: '\u00e9'.repeat(16), digest: 'a'.repeat(31), ops: [command('SET', 'é'.repeat(128), 'a'.repeat(65_536))] }];
    const payload = applyOncePayload(entries);
    expect(payload[5]).toBe(0xd9);
    expect(payload[6]).toBe(32);
    expect(resolved(decode(payload))).toEqual(expectedItems(entries));
  });

  it('should count an op with more arguments than a fixint holds, and many items, in wider integers', () => {
    const args = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const entries: PayloadEntry[] = Array.from({ length: 300 }, (_, i) => ({ eventId: `e${i}`, digest: 'd', ops: [command('DEL', ...args)] }));
    expect(resolved(decode(applyOncePayload(entries)))).toEqual(expectedItems(entries));
  });

  it("should write a command's name and key once per batch and refer back to them, whatever their bytes", () => {
    const board = 'tp:g1-leaderboards:leaderboard:\u0000:\ud800:' + 'b'.repeat(40);
    const entries: PayloadEntry[] = Array.from({ length: 500 }, (_, i) => ({ eventId: `e${i}`, digest: 'd', ops: [command('ZINCRBY', board, String(i % 50), `u${i}`), command('INCR', `k${i % 2}`)] }));
    const items = decode(applyOncePayload(entries));
    expect(resolved(items)).toEqual(expectedItems(entries));
    expect(items.filter((item) => item === Buffer.from(board, 'utf8').toString('utf8'))).toHaveLength(1);
    expect(items.filter((item) => item === 'INCR')).toHaveLength(2);
    // ZINCRBY of 4 arguments: -5 and the position of the first one's name (item 5: id, digest, count, header, name)
    expect(items.slice(3, 5)).toEqual([5, 'ZINCRBY']);
    expect(items.filter((item) => item === -5)).toHaveLength(499);
  });

  it('should refer back with wider negative headers for commands of many arguments', () => {
    const args = Array.from({ length: 40_000 }, (_, i) => `f${i}`);
    // An entry with no ops between them, so the two are no run.
    const entries: PayloadEntry[] = [0, 1, 2].map((i) => ({ eventId: `e${i}`, digest: 'd', ops: i === 1 ? [] : [command('HDEL', 'h', ...args)] }));
    const items = decode(applyOncePayload(entries));
    expect(items).toContain(-(args.length + 3));
    expect(resolved(items)).toEqual(expectedItems(entries));
  });

  it('should write consecutive records of one command on one key as a run: its name and key once, then 4 items a ZINCRBY record', () => {
    const board = 'tp:g1-leaderboards:leaderboard:b';
    const entries: PayloadEntry[] = Array.from({ length: 500 }, (_, i) => ({ eventId: `e${i}`, digest: `d${i}`, ops: [command('ZINCRBY', board, String(1 + (i % 50)), `u${i}`)] }));
    const items = decode(applyOncePayload(entries));
    expect(items.slice(0, 8)).toEqual([500, 4, 'ZINCRBY', board, 'e0', 'd0', '1', 'u0']);
    expect(items).toHaveLength(4 + 500 * 4);
    expect(resolved(items)).toEqual(expectedItems(entries));
  });

  it("should end a run where the name, the key, the argument count or the number of ops changes, and refer back to a run's name and key later", () => {
    // Few shapes, so runs of every length form, break and start again; any op after a run may refer to its name and key.
    const op: fc.Arbitrary<RedisOp> = fc.oneof(
      fc.constantFrom('1', '7', 'é').map((points) => command('ZINCRBY', 'b1', points, 'u')),
      fc.constant(command('ZINCRBY', 'b2', '2', 'v')),
      fc.constant(command('ZINCRBY', 'b1', '2')),
      fc.constant(command('INCR', 'b1')),
      fc.constant(command('HSET', 'h', 'f', 'v', 'g', 'w')),
      fc.constant(command('PING')),
      fc.constant<RedisOp>({ kind: 'touch', key: 'b1', field: 'f', value: 'v', at: 5, ttlField: 't' }),
    );
    const entry: fc.Arbitrary<PayloadEntry> = fc.record({ eventId: fc.constantFrom('a', 'b', ''), digest: fc.constantFrom('d', 'é'), ops: fc.array(op, { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        expect(resolved(decode(applyOncePayload(entries)))).toEqual(expectedItems(entries));
      }),
      { numRuns: 500 },
    );
  });

  it('should count a long run and a command of many arguments in wider integers', () => {
    const args = Array.from({ length: 300 }, (_, i) => `f${i}`);
    const entries: PayloadEntry[] = Array.from({ length: 70_000 }, (_, i) => ({ eventId: `e${i}`, digest: 'd', ops: [command('HDEL', 'h', ...(i < 3 ? args : ['x']))] }));
    const items = decode(applyOncePayload(entries));
    expect(items.slice(0, 4)).toEqual([3, 302, 'HDEL', 'h']);
    expect(items[4 + 3 * 302]).toBe(69_997);
    expect(resolved(items)).toEqual(expectedItems(entries));
  });

  it('should be an empty array for no entries', () => {
    expect([...applyOncePayload([])]).toEqual([0xdd, 0, 0, 0, 0]);
  });
});
