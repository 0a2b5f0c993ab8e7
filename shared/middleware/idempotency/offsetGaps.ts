import type { PartitionSpan } from '../batch/partitionSpans';
import type { NextOffset, PartitionName } from './IdempotencyStore';

/** Records a consumer never saw: on `topic` `partition`, offsets `expected` up to `first - 1`. */
export interface OffsetGap {
  topic: string;
  partition: number;
  expected: bigint;
  first: bigint;
  records: bigint;
}

export const partitionNameOf = (span: { topic: string; partition: number }): PartitionName => `${span.topic}:${span.partition}`;

/**
 * The partitions of a batch that start past the offset this consumer expected next: records skipped.
 *
 * Deployed, the MSK event source mapping moves on by itself and tells the function nothing. Lambda
 * documents that a failing batch is retried "until processing succeeds or the messages expire"
 * (with-msk-configure), that StartingPosition only applies to a group with no committed offset
 * (kafka-consumer-group-id), and offers no offset-reset setting for a committed offset Kafka no
 * longer holds (retention, DeleteRecords, a log start moved past it): whatever its poller does then,
 * records are gone without a word, and so are batches it discards after MaximumRetryAttempts or
 * MaximumRecordAgeInSeconds. So each handler keeps, per topic partition, the offset it expects next
 * (one past the last record it went through, next to its idempotency marks) and compares the first
 * offset of every batch with it.
 *
 * Kafka offsets can have gaps that lose nothing: transaction markers, compaction, filtered records.
 * None can occur here: every producer (ingest, workflow outcomes, dead letters: shared/clients/kafkaProducer)
 * is idempotent but not transactional, so no control record takes an offset; every topic is created
 * with the broker's default cleanup.policy=delete (shared/routes/topics.ts sets no other), so nothing is
 * compacted away. A mapping with FilterCriteria (function.ts `eventTypes`: start-order-workflow) drops
 * records without a word, so its function makes no such check (kafkaBatchHandler's `filtered`); the
 * catalog keeps an unfiltered checked consumer on each such topic (project-orders on orders), which
 * reports what the log itself lost, and the filtered mapping's OffsetLag alarm fires long before its
 * records could expire. For every other consumer a consecutive offset is exact, and any start past it is a loss. A start before it (a retried or redelivered batch, two
 * mappings or a replay in one generation) is no gap: the expectation only ever moves forward.
 * Unknown is not a gap either: a partition seen for the first time, or whose key expired after the
 * idempotency TTL without a record, reports nothing for that batch.
 */
export function offsetGaps(spans: readonly PartitionSpan[], expected: ReadonlyMap<PartitionName, bigint>): OffsetGap[] {
  const gaps: OffsetGap[] = [];
  for (const span of spans) {
    const next = expected.get(partitionNameOf(span));
    if (next !== undefined && span.first > next) gaps.push({ topic: span.topic, partition: span.partition, expected: next, first: span.first, records: span.first - next });
  }
  return gaps;
}

/** The offsets each partition of the batch is expected to go on from once the batch succeeded. */
export const nextOffsetsOf = (spans: readonly PartitionSpan[]): NextOffset[] => spans.map((span) => ({ partition: partitionNameOf(span), next: span.last + 1n }));
