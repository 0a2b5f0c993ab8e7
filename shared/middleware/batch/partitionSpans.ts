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
  const spans = new Map<string, PartitionSpan>();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an event AWS did not send may lack records, or hold null among them
  for (const records of Object.values(event.records ?? {})) {
    if (!Array.isArray(records)) continue;
    for (const record of records) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- as above
      const { topic, partition, offset } = record ?? {};
      if (typeof topic !== 'string' || !Number.isSafeInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) continue;
      const at = BigInt(offset);
      const id = `${topic}\u0000${partition}`;
      const span = spans.get(id);
      if (span === undefined) spans.set(id, { topic, partition, first: at, last: at });
      else {
        if (at < span.first) span.first = at;
        if (at > span.last) span.last = at;
      }
    }
  }
  return [...spans.values()];
}
