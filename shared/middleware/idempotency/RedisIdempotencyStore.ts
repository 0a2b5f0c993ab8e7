import type { Redis } from 'ioredis';
import { downstream } from '../../resilience/downstream';
import { APPLY_ONCE_LUA } from '../../state/applyOnceScript';
import type { CommitResult, IdempotencyEntry, IdempotencyStore, MarkedEvent, MarkMatch } from './IdempotencyStore';

type ApplyOnceReply = [Array<0 | 1 | 2>, string[]];

/** Marks made before marks held digests hold `1`: read as the same content (see applyOnceScript). */
const LEGACY_MARK = '1';

/**
 * Idempotency marks in Redis, one key per consumer and event id, holding the digest of the event's
 * content, with a TTL that outlives Kafka's retention (a redelivery can only come from what Kafka
 * still holds). The digest costs nothing extra: the same MGET reads it and the same script writes it.
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

  async findApplied(scope: string, events: MarkedEvent[]): Promise<Map<string, MarkMatch>> {
    const found = new Map<string, MarkMatch>();
    if (events.length === 0) return found;
    const marks = await downstream('redis').call(() => this.connection().mget(events.map((event) => scope + event.eventId)));
    marks.forEach((mark, i) => {
      const event = events[i];
      if (mark !== null && event !== undefined) found.set(event.eventId, mark === event.digest || mark === LEGACY_MARK ? 'same' : 'different');
    });
    return found;
  }

  async commit(scope: string, entries: IdempotencyEntry[]): Promise<CommitResult> {
    const result: CommitResult = { applied: [], skipped: [], conflicts: [], failed: new Map() };
    if (entries.length === 0) return result;
    const keys: string[] = [];
    const args: string[] = [String(this.ttlSeconds)];
    for (const entry of entries) {
      keys.push(scope + entry.eventId);
      args.push(entry.digest, String(entry.ops.length));
      for (const op of entry.ops) {
        if (op.kind === 'command') args.push('c', String(op.args.length), ...op.args);
        else args.push('t', '5', op.key, op.field, op.value, String(op.at), op.ttlField);
      }
    }
    const [flags, errors] = await downstream('redis').call(() => this.evalApplyOnce(keys, args));
    entries.forEach((entry, i) => (flags[i] === 1 ? result.applied : flags[i] === 2 ? result.conflicts : result.skipped).push(entry.eventId));
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
