/**
 * One read command of a read route, run inside the counted read script (countedReadScript) against the
 * projection's current generation: `keys` are relative to the generation (projectionKeys.generationRelativeKeys),
 * and `decode` turns the script's raw reply into what ioredis' own command would have returned.
 */
export interface GenerationRead<T> {
  command: string;
  keys: readonly string[];
  args: readonly string[];
  decode(reply: unknown): T;
}

const asStrings = (reply: unknown): Array<string | null> => (Array.isArray(reply) ? reply.map((item) => (typeof item === 'string' ? item : null)) : []);

/** HGETALL: the hash as an object, empty when the key does not exist. */
export const hashRead = (key: string): GenerationRead<Record<string, string>> => ({
  command: 'HGETALL',
  keys: [key],
  args: [],
  decode: (reply) => {
    const flat = asStrings(reply);
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const field = flat[i];
      // Own properties only, whatever a field is called (`__proto__` stays an ordinary field).
      if (field !== null && field !== undefined) Object.defineProperty(hash, field, { value: flat[i + 1] ?? '', enumerable: true, writable: true, configurable: true });
    }
    return hash;
  },
});

/** HGET: one field, null when the field or the key does not exist. */
export const hashFieldRead = (key: string, field: string): GenerationRead<string | null> => ({
  command: 'HGET',
  keys: [key],
  args: [field],
  decode: (reply) => (typeof reply === 'string' ? reply : null),
});

/** TTL: seconds left, -1 with no expiry, -2 when the key does not exist. */
export const ttlRead = (key: string): GenerationRead<number> => ({
  command: 'TTL',
  keys: [key],
  args: [],
  decode: (reply) => Number(reply),
});

/** MGET: each key's value, null where it does not exist. */
export const valuesRead = (keys: readonly string[]): GenerationRead<Array<string | null>> => ({
  command: 'MGET',
  keys,
  args: [],
  decode: asStrings,
});

/** ZREVRANGE WITHSCORES: members from the highest score, with their scores. */
export const topScoresRead = (key: string, start: number, stop: number): GenerationRead<Array<{ member: string; score: number }>> => ({
  command: 'ZREVRANGE',
  keys: [key],
  args: [String(start), String(stop), 'WITHSCORES'],
  decode: (reply) => {
    const flat = asStrings(reply);
    const entries: Array<{ member: string; score: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ member: flat[i] ?? '', score: Number(flat[i + 1]) });
    return entries;
  },
});

/** The script's arguments after the fixed four: per read, the command, its key and argument counts, its keys and arguments. */
export function encodeReads(reads: ReadonlyArray<GenerationRead<unknown>>): string[] {
  const args: string[] = [];
  for (const read of reads) args.push(read.command, String(read.keys.length), String(read.args.length), ...read.keys, ...read.args);
  return args;
}
