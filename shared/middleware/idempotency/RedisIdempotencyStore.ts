import type { Redis } from 'ioredis';
import { downstream } from '../../resilience/downstream';
import { APPLY_ONCE_LUA } from '../../state/applyOnceScript';
import type { CommitResult, IdempotencyEntry, IdempotencyStore } from './IdempotencyStore';

type ApplyOnceReply = [Array<0 | 1>, string[]];

/**
 * Idempotency marks in Redis, one key per consumer and event id, with a TTL that outlives Kafka's
 * retention (a redelivery can only come from what Kafka still holds).
 *
 * Powertools' Redis layer does a check-then-write per record (two round trips each, and a race between
 * them); here a batch of any size costs one MGET and one script call, and the script re-checks each mark
 * inside Redis, so two overlapping invocations cannot both apply the same event.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly connection: () => Redis;
  private readonly ttlSeconds: number;
  private scriptSha: string | undefined;

  /** `redis` may be a getter, so loading a handler module opens no connection until the first batch. */
  constructor(options: { redis: Redis | (() => Redis); ttlSeconds: number }) {
    const { redis } = options;
    this.connection = typeof redis === 'function' ? redis : () => redis;
    this.ttlSeconds = options.ttlSeconds;
  }

  async findApplied(scope: string, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const marks = await downstream('redis').call(() => this.connection().mget(eventIds.map((id) => scope + id)));
    const applied = new Set<string>();
    marks.forEach((mark, i) => {
      const id = eventIds[i];
      if (mark !== null && id !== undefined) applied.add(id);
    });
    return applied;
  }

  async commit(scope: string, entries: IdempotencyEntry[]): Promise<CommitResult> {
    const result: CommitResult = { applied: [], skipped: [], failed: new Map() };
    if (entries.length === 0) return result;
    const keys: string[] = [];
    const args: string[] = [String(this.ttlSeconds)];
    for (const entry of entries) {
      keys.push(scope + entry.eventId);
      args.push(String(entry.ops.length));
      for (const op of entry.ops) {
        if (op.kind === 'command') args.push('c', String(op.args.length), ...op.args);
        else args.push('t', '5', op.key, op.field, op.value, String(op.at), op.ttlField);
      }
    }
    const [flags, errors] = await downstream('redis').call(() => this.evalApplyOnce(keys, args));
    entries.forEach((entry, i) => (flags[i] === 1 ? result.applied : result.skipped).push(entry.eventId));
    for (const error of errors) {
      const cut = error.indexOf(':');
      const entry = entries[Number(error.slice(0, cut)) - 1];
      if (entry !== undefined) result.failed.set(entry.eventId, error.slice(cut + 1));
    }
    return result;
  }

  private async evalApplyOnce(keys: string[], args: string[]): Promise<ApplyOnceReply> {
    // EVALSHA first: the script body is 1.5 KB that need not cross the wire for every batch.
    if (this.scriptSha !== undefined) {
      try {
        return (await this.connection().evalsha(this.scriptSha, keys.length, ...keys, ...args)) as ApplyOnceReply;
      } catch (error) {
        if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      }
    }
    this.scriptSha = (await this.connection().script('LOAD', APPLY_ONCE_LUA)) as string;
    return (await this.connection().evalsha(this.scriptSha, keys.length, ...keys, ...args)) as ApplyOnceReply;
  }
}
