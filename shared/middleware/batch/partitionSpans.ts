import type { KafkaTriggerEvent } from '../../triggers/kafka/KafkaTriggerEvent';

/** The offsets of one topic partition that a batch holds: its first and its last record. */
export interface PartitionSpan {
  topic: string;
  partition: number;
  first: bigint;
  last: bigint;
}

/**
 * Each topic partition of an `aws:kafka` event with the first and last offset delivered, bad records
 * included: a record that does not decode was still delivered, and the offsets move past it. A list
 * that is not one, or a record without a whole offset, is left out (the decoder refuses those).
 */
export function partitionSpans(event: KafkaTriggerEvent): PartitionSpan[] {
  // Offsets are compared as numbers (safe integers, so exactly) and made bigints once per span; the
  // span of the previous record is tried first, as a list holds one partition's records: a key string
  // and a bigint per record were 1% of the projection handler's profile.
  const spans = new Map<string, { topic: string; partition: number; first: number; last: number }>();
  let span: { topic: string; partition: number; first: number; last: number } | undefined;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event AWS did not send may lack records, or hold null among them
  for (const records of Object.values(event.records ?? {})) {
    if (!Array.isArray(records)) continue;
    for (const record of records) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
      const { topic, partition, offset } = record ?? {};
      if (typeof topic !== 'string' || !Number.isSafeInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) continue;
      if (span === undefined || span.topic !== topic || span.partition !== partition) {
        const id = `${topic}\u0000${partition}`;
        span = spans.get(id);
        if (span === undefined) {
          span = { topic, partition, first: offset, last: offset };
          spans.set(id, span);
          continue;
        }
      }
      if (offset < span.first) span.first = offset;
      if (offset > span.last) span.last = offset;
    }
  }
  return Array.from(spans.values(), ({ topic, partition, first, last }) => ({ topic, partition, first: BigInt(first), last: BigInt(last) }));
}
