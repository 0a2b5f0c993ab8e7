/**
 * Records a consumer never saw because Kafka no longer held them when it asked (retention, a log start
 * moved past the committed offset, an out-of-range reset): the consumer then jumps to the earliest offset
 * without a word, so the mapping compares each partition's first fetched offset with the offset it
 * expected and reports the difference here. Shown on /ops/status and the ops page; never reset while
 * the runtime lives, since a skip is a loss someone must look at.
 */
export interface SkippedRecords {
  function: string;
  topic: string;
  partition: number;
  /** Total records skipped on this partition since the runtime started. */
  records: number;
  /** The last gap: the offset the consumer expected and the one Kafka gave instead. */
  lastExpected: string;
  lastFetched: string;
  lastAt: string;
}

const skipped = new Map<string, SkippedRecords>();

/** How many records lie between the offset a partition's consumer expected next and the first one it got. */
export function recordsSkipped(expectedNext: bigint | undefined, firstFetched: bigint): bigint {
  if (expectedNext === undefined || firstFetched <= expectedNext) return 0n;
  return firstFetched - expectedNext;
}

export function recordSkippedRecords(gap: { function: string; topic: string; partition: number; expected: bigint; fetched: bigint }): SkippedRecords {
  const id = `${gap.function}\u0000${gap.topic}\u0000${gap.partition}`;
  const entry = skipped.get(id) ?? { function: gap.function, topic: gap.topic, partition: gap.partition, records: 0, lastExpected: '', lastFetched: '', lastAt: '' };
  entry.records += Number(gap.fetched - gap.expected);
  entry.lastExpected = gap.expected.toString();
  entry.lastFetched = gap.fetched.toString();
  entry.lastAt = new Date().toISOString();
  skipped.set(id, entry);
  return entry;
}

export const skippedRecordStatuses = (): SkippedRecords[] =>
  [...skipped.values()].map((entry) => ({ ...entry })).sort((a, b) => a.function.localeCompare(b.function) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
