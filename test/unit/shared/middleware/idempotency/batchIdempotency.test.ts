import middy from '@middy/core';
import { createEnvelope, type Envelope } from '../../../../../shared/envelope/envelope';
import { contentDigest } from '../../../../../shared/envelope/contentDigest';
import { RecordBatch, type BatchContext } from '../../../../../shared/middleware/batch/RecordBatch';
import type { PartitionSpan } from '../../../../../shared/middleware/batch/partitionSpans';
import { batchIdempotency, ID_REUSED_REASON, PermissionDefectError } from '../../../../../shared/middleware/idempotency/batchIdempotency';
import { CommittedOffsets } from '../../../../../shared/middleware/idempotency/committedOffsets';
import type { AppliedState, CommitResult, IdempotencyEntry, IdempotencyStore, MarkedEvent, NextOffset, PartitionName } from '../../../../../shared/middleware/idempotency/IdempotencyStore';
import type { RedisOp } from '../../../../../shared/state/RedisOp';
import { capturedLogs } from '../../../../../testkit/capturedLogs';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';

/**
 * Batch idempotency around a handler, through a real middy chain, with an in-memory store that keeps
 * the contract of IdempotencyStore (the real one, RedisIdempotencyStore, is tested against Redis in
 * test/integration/redisIdempotencyStore.test.ts): a mark per scope and id holding the content's
 * digest, applied ops, and next offsets that only move forward.
 */
class MemoryIdempotencyStore implements IdempotencyStore {
  readonly marks = new Map<string, string>();
  readonly offsets = new Map<string, bigint>();
  /** The ops applied, by event id, in the order they were committed. */
  readonly applied: Array<{ eventId: string; ops: RedisOp[] }> = [];
  /** Ops of these ids are refused as Redis refuses a bad op (WRONGTYPE): reported, yet marked. */
  readonly refuseOps = new Map<string, string>();
  /** The write of this id is refused for lack of permission: it and every entry after it stay unapplied and unmarked. */
  denyEventId: string | undefined;
  /** Marks written by another invocation between this one's read and its commit. */
  readonly writtenMeanwhile = new Map<string, string>();

  /** The ids whose marks each findApplied call read. */
  readonly reads: string[][] = [];

  findApplied(scope: string, events: MarkedEvent[], partitions: readonly PartitionName[] = []): Promise<AppliedState> {
    this.reads.push(events.map((event) => event.eventId));
    const state: AppliedState = { marks: new Map(), expected: new Map() };
    for (const event of events) {
      const mark = this.marks.get(scope + event.eventId);
      if (mark !== undefined) state.marks.set(event.eventId, mark === event.digest ? 'same' : 'different');
    }
    for (const partition of partitions) {
      const next = this.offsets.get(scope + partition);
      if (next !== undefined) state.expected.set(partition, next);
    }
    return Promise.resolve(state);
  }

  commit(scope: string, entries: IdempotencyEntry[], offsets: readonly NextOffset[] = []): Promise<CommitResult> {
    for (const [id, digest] of this.writtenMeanwhile) this.marks.set(scope + id, digest);
    const result: CommitResult = { applied: [], skipped: [], conflicts: [], failed: new Map(), denied: undefined, unapplied: [] };
    for (const entry of entries) {
      if (result.denied !== undefined) {
        result.unapplied.push(entry.eventId);
        continue;
      }
      if (entry.eventId === this.denyEventId) {
        result.denied = { eventId: entry.eventId, command: 'zincrby', key: 'tptest:board:b1' };
        result.unapplied.push(entry.eventId);
        continue;
      }
      const mark = this.marks.get(scope + entry.eventId);
      if (mark === entry.digest) result.skipped.push(entry.eventId);
      else if (mark !== undefined) result.conflicts.push(entry.eventId);
      else {
        this.marks.set(scope + entry.eventId, entry.digest);
        const refused = this.refuseOps.get(entry.eventId);
        if (refused === undefined) this.applied.push({ eventId: entry.eventId, ops: entry.ops });
        else result.failed.set(entry.eventId, refused);
        result.applied.push(entry.eventId);
      }
    }
    if (result.denied === undefined) {
      for (const offset of offsets) {
        const key = scope + offset.partition;
        if ((this.offsets.get(key) ?? -1n) < offset.next) this.offsets.set(key, offset.next);
      }
    }
    return Promise.resolve(result);
  }

  markOf(id: string): string | undefined {
    return [...this.marks].find(([key]) => key.endsWith(`:${id}`))?.[1];
  }
}

const CONSUMER = 'project-leaderboards';

const eventOf = (id: string, points = 10): Envelope<Record<string, unknown>> =>
  createEnvelope<Record<string, unknown>>({
    type: 'score.recorded',
    version: 1,
    key: 'b1',
    data: { boardId: 'b1', userId: 'u1', points },
    source: 'test',
    id,
    time: new Date('2026-01-15T10:00:00.000Z'),
  });

const opOf = (envelope: Envelope<Record<string, unknown>>): RedisOp[] => [{ kind: 'command', args: ['ZINCRBY', 'tptest:board:b1', String(envelope.data.points), 'u1'] }];

type Work = (batch: RecordBatch<string>) => void;

/** Every accepted record writes its op, as a projection would. */
const project: Work = (batch) => {
  for (const record of batch.accepted) batch.write(record.envelope.id, opOf(record.envelope));
};

/** One invocation: the records given (sources named after their ids) pass batch idempotency around `work`. */
async function invoke(
  store: IdempotencyStore,
  envelopes: Array<Envelope<Record<string, unknown>>>,
  work: Work = project,
  spans: PartitionSpan[] = [],
  pureWork = false,
  committed = new CommittedOffsets(),
): Promise<RecordBatch<string>> {
  const context = lambdaContextOf<string>('unit-batch-idempotency');
  const handler = middy<unknown, undefined, Error, BatchContext<string>>()
    .use({
      before: (request: { context: BatchContext<string> }) => {
        const batch = new RecordBatch<string>();
        batch.accepted = envelopes.map((envelope) => ({ envelope, source: envelope.id }));
        batch.received = envelopes.length;
        batch.spans = spans;
        request.context.batch = batch;
      },
    })
    .use(batchIdempotency<string>({ store, consumer: CONSUMER, pureWork, committed }))
    .handler((_event: unknown, ctx: BatchContext<string>) => {
      work(ctx.batch);
      return Promise.resolve(undefined);
    });
  await handler({}, context);
  return context.batch;
}

const appliedIds = (store: MemoryIdempotencyStore) => store.applied.map((a) => a.eventId);
const rejectedOf = (batch: RecordBatch<string>) => batch.rejected.map((r) => ({ source: r.source, stage: r.stage }));

describe('batchIdempotency', () => {
  it('should apply every record of a new batch once, with its ops, and mark each with its digest', async () => {
    // prepare
    const store = new MemoryIdempotencyStore();
    const a = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1');
    const b = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA2', 20);

    // act
    const batch = await invoke(store, [a, b]);

    // assess
    expect(store.applied).toEqual([
      { eventId: a.id, ops: opOf(a) },
      { eventId: b.id, ops: opOf(b) },
    ]);
    expect(store.markOf(a.id)).toBe(contentDigest(a));
    expect(store.markOf(b.id)).toBe(contentDigest(b));
    expect(batch.duplicates).toBe(0);
  });

  it('should skip the records already applied and apply only the rest of a redelivered batch (partial batch)', async () => {
    // prepare
    const store = new MemoryIdempotencyStore();
    const a = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1');
    const b = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA2', 20);
    await invoke(store, [a]);
    const seenByWork: string[] = [];

    // act
    const batch = await invoke(store, [a, b], (current) => {
      seenByWork.push(...current.accepted.map((r) => r.envelope.id));
      project(current);
    });

    // assess: the handler never saw the duplicate, and nothing of it was applied twice
    expect(seenByWork).toEqual([b.id]);
    expect(appliedIds(store)).toEqual([a.id, b.id]);
    expect(batch.duplicates).toBe(1);
    expect(batch.rejected).toEqual([]);
  });

  it('should keep a repeat inside one batch out as a duplicate', async () => {
    const store = new MemoryIdempotencyStore();
    const a = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1');
    const batch = await invoke(store, [a, { ...a, time: '2026-01-15T10:00:05.000Z', hops: 1 }]);
    expect(appliedIds(store)).toEqual([a.id]);
    expect(batch.duplicates).toBe(1);
  });

  it('should refuse an id already applied with other content: dead-lettered with the reason, never applied', async () => {
    // prepare
    const store = new MemoryIdempotencyStore();
    const original = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1', 10);
    await invoke(store, [original]);

    // act
    const batch = await invoke(store, [eventOf(original.id, 999)]);

    // assess
    expect(appliedIds(store)).toEqual([original.id]);
    expect(store.markOf(original.id)).toBe(contentDigest(original));
    expect(rejectedOf(batch)).toEqual([{ source: original.id, stage: 'id-reused' }]);
    expect(batch.rejected[0]?.reason).toBe(`${ID_REUSED_REASON}: score.recorded ${original.id} differs from the event already applied under that id (${CONSUMER} applies an id once)`);
  });

  it('should refuse the second of two records of one batch that share an id but not their content', async () => {
    const store = new MemoryIdempotencyStore();
    const first = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1', 10);
    const batch = await invoke(store, [first, eventOf(first.id, 11)]);
    expect(appliedIds(store)).toEqual([first.id]);
    expect(batch.rejected[0]).toMatchObject({ source: first.id, stage: 'id-reused', reason: expect.stringContaining('earlier in this batch') });
  });

  it('should refuse a record whose id another invocation applied with other content meanwhile', async () => {
    const store = new MemoryIdempotencyStore();
    const mine = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1', 10);
    store.writtenMeanwhile.set(mine.id, contentDigest(eventOf(mine.id, 50)));
    const batch = await invoke(store, [mine]);
    expect(store.applied).toEqual([]);
    expect(batch.rejected[0]).toMatchObject({ source: mine.id, stage: 'id-reused', reason: expect.stringContaining('applied meanwhile') });
  });

  it('should count a record another invocation applied with the same content meanwhile as a duplicate', async () => {
    const store = new MemoryIdempotencyStore();
    const mine = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1');
    store.writtenMeanwhile.set(mine.id, contentDigest(mine));
    const batch = await invoke(store, [mine]);
    expect(store.applied).toEqual([]);
    expect(batch.duplicates).toBe(1);
    expect(batch.rejected).toEqual([]);
  });

  it('should not mark a record the handler failed on, so its redelivery applies it', async () => {
    // prepare
    const store = new MemoryIdempotencyStore();
    const good = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1');
    const bad = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA2', 20);
    const failOn =
      (id: string): Work =>
      (batch) => {
        project(batch);
        const record = batch.accepted.find((r) => r.envelope.id === id);
        if (record !== undefined) batch.rejectAccepted(record, 'projection failed: boom');
      };

    // act
    const first = await invoke(store, [good, bad], failOn(bad.id));

    // assess
    expect(appliedIds(store)).toEqual([good.id]);
    expect(store.markOf(bad.id)).toBeUndefined();
    expect(first.rejected).toEqual([{ source: bad.id, reason: 'projection failed: boom', stage: 'handler' }]);
    await invoke(store, [good, bad]);
    expect(appliedIds(store)).toEqual([good.id, bad.id]);
  });

  it('should dead-letter a record whose op Redis refused, with the reason', async () => {
    const store = new MemoryIdempotencyStore();
    const a = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1');
    store.refuseOps.set(a.id, 'WRONGTYPE Operation against a key holding the wrong kind of value');
    const batch = await invoke(store, [a]);
    expect(batch.rejected).toEqual([{ source: a.id, reason: 'redis refused a write: WRONGTYPE Operation against a key holding the wrong kind of value', stage: 'handler' }]);
  });

  it('should set a permission defect, not dead-letter, when a write is refused for lack of permission', async () => {
    // prepare
    const store = new MemoryIdempotencyStore();
    const a = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1');
    const b = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA2', 20);
    const c = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA3', 30);
    store.denyEventId = b.id;

    // act
    const batch = await invoke(store, [a, b, c], project, [{ topic: 'scores', partition: 0, first: 0n, last: 2n }]);

    // assess: what came before is applied, the refused record and what follows are not, no offset moved
    expect(appliedIds(store)).toEqual([a.id]);
    expect(store.markOf(b.id)).toBeUndefined();
    expect(store.markOf(c.id)).toBeUndefined();
    expect(store.offsets.size).toBe(0);
    expect(batch.rejected).toEqual([]);
    expect(batch.permissionDefect).toBeInstanceOf(PermissionDefectError);
    expect(batch.permissionDefect?.message).toContain('2 record(s) left unapplied and unmarked');
  });

  it('should count the records a batch starts past as skipped, report them once, and move the partition on', async () => {
    // prepare
    const store = new MemoryIdempotencyStore();
    await invoke(store, [eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1')], project, [{ topic: 'scores', partition: 3, first: 4n, last: 6n }]);

    // act
    const { result: batch, logs } = await capturedLogs(() => invoke(store, [eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA2', 20)], project, [{ topic: 'scores', partition: 3, first: 10n, last: 11n }]));

    // assess
    expect(batch.skipped).toBe(3);
    expect([...store.offsets.values()]).toEqual([12n]);
    expect(logs).toContain('records skipped');
    expect(logs).toContain('"expectedOffset":"7"');
  });

  it('should count nothing skipped for a redelivery that starts before the expected offset, and never move the offset back', async () => {
    const store = new MemoryIdempotencyStore();
    await invoke(store, [eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1')], project, [{ topic: 'scores', partition: 3, first: 4n, last: 9n }]);
    const batch = await invoke(store, [eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1')], project, [{ topic: 'scores', partition: 3, first: 4n, last: 6n }]);
    expect(batch.skipped).toBe(0);
    expect([...store.offsets.values()]).toEqual([10n]);
  });

  describe('with a pure handler (a projection: it only collects writes)', () => {
    const a = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA1');
    const b = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA2', 20);
    const span = (first: bigint, last: bigint): PartitionSpan[] => [{ topic: 'scores', partition: 0, first, last }];

    it('should read no marks for a batch at or past the expected offset, and still apply each record once', async () => {
      const store = new MemoryIdempotencyStore();
      await invoke(store, [a], project, span(0n, 0n), true);
      const batch = await invoke(store, [a, b], project, span(1n, 2n), true);
      expect(store.reads).toEqual([[], []]);
      // a is a duplicate the log itself holds (another offset): the script finds its mark.
      expect(appliedIds(store)).toEqual([a.id, b.id]);
      expect(batch.duplicates).toBe(1);
      expect(batch.accepted.map((r) => r.envelope.id)).toEqual([b.id]);
    });

    it('should read the marks of a redelivered batch first and drop its duplicates before the handler', async () => {
      const store = new MemoryIdempotencyStore();
      await invoke(store, [a, b], project, span(0n, 1n), true);
      const seen: string[] = [];
      const batch = await invoke(
        store,
        [a, b],
        (redelivered) => {
          seen.push(...redelivered.accepted.map((r) => r.envelope.id));
          project(redelivered);
        },
        span(0n, 1n),
        true,
      );
      expect(store.reads).toEqual([[], [], [a.id, b.id]]);
      expect(seen).toEqual([]);
      expect(appliedIds(store)).toEqual([a.id, b.id]);
      expect(batch.duplicates).toBe(2);
    });

    it('should dead-letter an id reused with other content as the read would have, and apply nothing of it', async () => {
      const store = new MemoryIdempotencyStore();
      await invoke(store, [a], project, span(0n, 0n), true);
      const reused = eventOf(a.id, 99);
      const batch = await invoke(store, [reused], project, span(1n, 1n), true);
      expect(appliedIds(store)).toEqual([a.id]);
      expect(store.markOf(a.id)).toBe(contentDigest(a));
      expect(batch.rejected).toEqual([
        { source: a.id, stage: 'id-reused', reason: `${ID_REUSED_REASON}: score.recorded ${a.id} differs from the event already applied under that id (${CONSUMER} applies an id once)` },
      ]);
    });

    describe('in one process, batch after batch (committedOffsets)', () => {
      const c = eventOf('01ARZ3NDEKTSV4RRFFQ69G5FA3', 30);

      it("should skip the offsets' read for a batch that starts where this process's last commit left it, and still apply a duplicate the log holds once", async () => {
        const store = new MemoryIdempotencyStore();
        const committed = new CommittedOffsets();
        await invoke(store, [a], project, span(0n, 0n), true, committed);
        const batch = await invoke(store, [a, b], project, span(1n, 2n), true, committed);
        expect(store.reads).toEqual([[]]);
        expect(appliedIds(store)).toEqual([a.id, b.id]);
        expect(batch.duplicates).toBe(1);
        expect(store.offsets.get(`tptest:idem:${CONSUMER}:scores:0`)).toBe(3n);
      });

      it('should read as before a redelivery below that point and a batch starting past it, and report the gap', async () => {
        const store = new MemoryIdempotencyStore();
        const committed = new CommittedOffsets();
        await invoke(store, [a, b], project, span(0n, 1n), true, committed);
        const seen: string[] = [];
        const redelivered = await invoke(
          store,
          [a, b],
          (batch) => {
            seen.push(...batch.accepted.map((r) => r.envelope.id));
            project(batch);
          },
          span(0n, 1n),
          true,
          committed,
        );
        expect(store.reads).toEqual([[], [], [a.id, b.id]]);
        expect(seen).toEqual([]);
        expect(redelivered.duplicates).toBe(2);
        const past = await invoke(store, [c], project, span(5n, 5n), true, committed);
        expect(store.reads).toHaveLength(4);
        expect(past.skipped).toBe(3);
        expect(appliedIds(store)).toEqual([a.id, b.id, c.id]);
      });

      it('should apply each record once when another delivery of the same records got through meanwhile', async () => {
        const store = new MemoryIdempotencyStore();
        const here = new CommittedOffsets();
        await invoke(store, [a], project, span(0n, 0n), true, here);
        // Another consumer of the same scope (a second mapping, another process) applies offsets 1-2 first.
        await invoke(store, [b, c], project, span(1n, 2n), true, new CommittedOffsets());
        const batch = await invoke(store, [b, c], project, span(1n, 2n), true, here);
        expect(appliedIds(store)).toEqual([a.id, b.id, c.id]);
        expect(batch.duplicates).toBe(2);
        expect(batch.accepted).toEqual([]);
      });

      it('should not take a refused batch as committed: the partition did not move, so a later batch past it is a gap', async () => {
        const store = new MemoryIdempotencyStore();
        const committed = new CommittedOffsets();
        await invoke(store, [a], project, span(0n, 0n), true, committed);
        store.denyEventId = b.id;
        const refused = await invoke(store, [b], project, span(1n, 1n), true, committed);
        expect(refused.permissionDefect).toBeInstanceOf(PermissionDefectError);
        store.denyEventId = undefined;
        const later = await invoke(store, [c], project, span(2n, 2n), true, committed);
        expect(store.reads).toHaveLength(2);
        expect(later.skipped).toBe(1);
        expect(appliedIds(store)).toEqual([a.id, c.id]);
      });

      it('should read as before for a handler that is not pure: its marks are read first whatever the offsets', async () => {
        const store = new MemoryIdempotencyStore();
        const committed = new CommittedOffsets();
        await invoke(store, [a], project, span(0n, 0n), false, committed);
        await invoke(store, [b], project, span(1n, 1n), false, committed);
        expect(store.reads).toEqual([[a.id], [b.id]]);
      });
    });

    it('should read no marks without partitions (a first batch, or offsets evicted) and let the script decide', async () => {
      const store = new MemoryIdempotencyStore();
      await invoke(store, [a], project, [], true);
      const batch = await invoke(store, [a], project, [], true);
      expect(store.reads).toEqual([[], []]);
      expect(appliedIds(store)).toEqual([a.id]);
      expect(batch.duplicates).toBe(1);
    });
  });

  it('should refuse to be made without a store or a consumer', () => {
    expect(() => batchIdempotency({ store: undefined as unknown as IdempotencyStore, consumer: CONSUMER })).toThrow('store is required');
    expect(() => batchIdempotency({ store: new MemoryIdempotencyStore(), consumer: '' })).toThrow('consumer is required');
  });
});
