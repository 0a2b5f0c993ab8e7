import type { Envelope } from '../../envelope/envelope';
import type { RedisOp } from '../../state/RedisOp';
import { redisKeys, redisNamespace, type RedisKeys } from '../../state/redisKeys';
import type { PartitionSpan } from './partitionSpans';

/** A record whose envelope was read and checked, with where it came from (a Kafka record, an AMQP message). */
export interface AcceptedRecord<TSource> {
  envelope: Envelope<Record<string, unknown>>;
  source: TSource;
}

/** A record taken out of the batch, with why; the dead-letter middleware sends it on with that reason. */
export interface RejectedRecord<TSource> {
  source: TSource;
  reason: string;
  /** Where it was refused: decoding, the hop guard, the idempotency marks (an id reused with other content), or the handler. */
  stage: 'decode' | 'hop-limit' | 'id-reused' | 'handler';
}

/**
 * The per-invocation state the batch middlewares share with the handler. One object per invocation,
 * hung on the Lambda context because that is what middy hands a handler besides the raw event.
 */
export class RecordBatch<TSource> {
  accepted: Array<AcceptedRecord<TSource>> = [];
  readonly rejected: Array<RejectedRecord<TSource>> = [];
  /** Redis writes per event id, applied atomically with the idempotency marks after the handler. */
  readonly writes = new Map<string, RedisOp[]>();
  duplicates = 0;
  received = 0;
  /** The Redis keys of this invocation: a projection's current generation, else the namespace's. */
  keys: RedisKeys = redisKeys(redisNamespace());
  /** Records handed on elsewhere (a retry queue): neither applied nor dead-lettered here, and not marked. */
  deferred = 0;
  /** The topic partitions this batch read and the offsets it covers (Kafka triggers; none for RabbitMQ). */
  spans: PartitionSpan[] = [];
  /** Records the event source mapping went past before this batch (offsetGaps.ts). */
  skipped = 0;
  /**
   * Set when Redis refused one of the batch's writes for lack of permission: the batch must fail (and
   * come again) once its dead letters are out, never go on as if the record were bad.
   */
  permissionDefect: Error | undefined;

  reject(source: TSource, reason: string, stage: RejectedRecord<TSource>['stage']): void {
    this.rejected.push({ source, reason, stage });
  }

  /** Takes an accepted record back out (a handler that found it bad) and dead-letters it. */
  rejectAccepted(record: AcceptedRecord<TSource>, reason: string, stage: RejectedRecord<TSource>['stage'] = 'handler'): void {
    this.accepted = this.accepted.filter((r) => r !== record);
    this.writes.delete(record.envelope.id);
    this.reject(record.source, reason, stage);
  }

  /** Takes an accepted record out because it was handed on (to a retry queue) to be processed later. */
  defer(record: AcceptedRecord<TSource>): void {
    this.accepted = this.accepted.filter((r) => r !== record);
    this.writes.delete(record.envelope.id);
    this.deferred++;
  }

  write(eventId: string, ops: RedisOp[]): void {
    if (ops.length > 0) this.writes.set(eventId, ops);
  }
}

export type BatchContext<TSource> = import('aws-lambda').Context & { batch: RecordBatch<TSource> };
