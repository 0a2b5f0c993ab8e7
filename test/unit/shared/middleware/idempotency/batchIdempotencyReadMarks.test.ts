import middy from '@middy/core';
import { contentDigest } from '../../../../../shared/envelope/contentDigest';
import { createEnvelope, type Envelope } from '../../../../../shared/envelope/envelope';
import { RecordBatch, type BatchContext } from '../../../../../shared/middleware/batch/RecordBatch';
import { batchIdempotency, ID_REUSED_REASON } from '../../../../../shared/middleware/idempotency/batchIdempotency';
import type { AppliedState, CommitResult, IdempotencyEntry, IdempotencyStore, MarkedEvent, MarkMatch } from '../../../../../shared/middleware/idempotency/IdempotencyStore';
import { lambdaContextOf } from '../../../../../testkit/lambdaContextOf';

/**
 * batchIdempotency with `readMarks`: a handler's own read of the marks (a workflow step's claim script,
 * shared/workflow/workflowStepHandler) replaces the store's, and its answer is acted on exactly as the
 * store's would be. The store here records what it was asked and commits everything it is given.
 */
class RecordingStore implements IdempotencyStore {
  readonly reads: string[][] = [];
  readonly committed: string[] = [];

  findApplied(_scope: string, events: MarkedEvent[]): Promise<AppliedState> {
    this.reads.push(events.map((event) => event.eventId));
    return Promise.resolve({ marks: new Map(), expected: new Map() });
  }

  commit(_scope: string, entries: IdempotencyEntry[]): Promise<CommitResult> {
    this.committed.push(...entries.map((entry) => entry.eventId));
    return Promise.resolve({ applied: entries.map((entry) => entry.eventId), skipped: [], conflicts: [], failed: new Map(), denied: undefined, unapplied: [] });
  }
}

const CONSUMER = 'authorize-payment';

const commandOf = (id: string, amount = 100): Envelope<Record<string, unknown>> =>
  createEnvelope<Record<string, unknown>>({ type: 'payment.authorize', version: 1, key: 'o1', data: { orderId: 'o1', amount }, source: 'test', id, time: new Date('2026-01-15T10:00:00.000Z') });

async function invoke(
  store: IdempotencyStore,
  envelopes: Array<Envelope<Record<string, unknown>>>,
  readMarks: (batch: RecordBatch<string>, scope: string, events: MarkedEvent[]) => Promise<Map<string, MarkMatch>>,
) {
  const context = lambdaContextOf<string>('unit-batch-idempotency');
  const handled: string[] = [];
  const handler = middy<unknown, undefined, Error, BatchContext<string>>()
    .use({
      before: (request: { context: BatchContext<string> }) => {
        const batch = new RecordBatch<string>();
        batch.accepted = envelopes.map((envelope) => ({ envelope, source: envelope.id }));
        batch.received = envelopes.length;
        request.context.batch = batch;
      },
    })
    .use(batchIdempotency<string>({ store, consumer: CONSUMER, readMarks }))
    .handler((_event: unknown, ctx: BatchContext<string>) => {
      handled.push(...ctx.batch.accepted.map((record) => record.envelope.id));
      return Promise.resolve(undefined);
    });
  await handler({}, context);
  return { batch: context.batch, handled };
}

describe('batchIdempotency with readMarks', () => {
  it('should ask readMarks for the marks of the unique records, drop duplicates and refuse reused ids before the handler, and never ask the store', async () => {
    // prepare
    const store = new RecordingStore();
    const fresh = commandOf('01ARZ3NDEKTSV4RRFFQ69G5FB1');
    const applied = commandOf('01ARZ3NDEKTSV4RRFFQ69G5FB2');
    const reused = commandOf('01ARZ3NDEKTSV4RRFFQ69G5FB3');
    const asked: Array<{ scope: string; events: MarkedEvent[]; batchSize: number }> = [];
    const readMarks = (batch: RecordBatch<string>, scope: string, events: MarkedEvent[]) => {
      asked.push({ scope, events, batchSize: batch.accepted.length });
      return Promise.resolve(
        new Map<string, MarkMatch>([
          [applied.id, 'same'],
          [reused.id, 'different'],
        ]),
      );
    };

    // act: the fresh command comes twice in the batch (a repeat inside the batch is dropped before the read)
    const { batch, handled } = await invoke(store, [fresh, applied, reused, fresh], readMarks);

    // assess
    expect(asked).toHaveLength(1);
    expect(asked[0]?.scope).toBe(batch.keys.idempotency(CONSUMER, ''));
    expect(asked[0]?.events).toEqual([fresh, applied, reused].map((c) => ({ eventId: c.id, digest: contentDigest(c) })));
    expect(handled).toEqual([fresh.id]);
    expect(batch.duplicates).toBe(2);
    expect(batch.rejected).toEqual([{ source: reused.id, stage: 'id-reused', reason: expect.stringContaining(ID_REUSED_REASON) as unknown }]);
    expect(store.reads).toEqual([[]]);
    expect(store.committed).toEqual([fresh.id]);
  });

  it('should fail the batch before the handler when readMarks fails, committing nothing', async () => {
    const store = new RecordingStore();
    const command = commandOf('01ARZ3NDEKTSV4RRFFQ69G5FB4');
    await expect(invoke(store, [command], () => Promise.reject(new Error('redis down')))).rejects.toThrow('redis down');
    expect(store.committed).toEqual([]);
  });

  it('should refuse readMarks together with pureWork, whose marks are not read first', () => {
    expect(() => batchIdempotency<string>({ store: new RecordingStore(), consumer: CONSUMER, pureWork: true, readMarks: () => Promise.resolve(new Map()) })).toThrow(TypeError);
  });
});
