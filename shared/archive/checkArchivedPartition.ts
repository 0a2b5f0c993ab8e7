export interface ArchivedObject {
  name: string;
  offsets: number[];
}

export interface PartitionCheck {
  /** First offset that must be archived: the earliest still in Kafka, or the first archived if older. */
  from: number;
  /** Offsets up to (excluding) this one must be archived: the sink's committed offset. */
  to: number;
  archived: number;
  gaps: Array<{ from: number; to: number }>;
  duplicates: Array<{ offset: number; objects: string[] }>;
}

/**
 * The completeness proof for one partition, as a pure function: every offset in [from, to) must be in
 * exactly one archive object. `earliest` is the partition's low watermark in Kafka, `committed` the
 * sink's committed offset (the next one it would read). Offsets are taken from the objects' contents,
 * not their names, so a truncated object shows up too. Assumes offsets are dense, which holds for
 * triplane's topics (no transactions, no compaction); a compacted topic would need the sink to record
 * its fetch positions.
 */
export function checkArchivedPartition(earliest: number, committed: number, objects: ArchivedObject[]): PartitionCheck {
  const where = new Map<number, string[]>();
  for (const object of objects) for (const offset of object.offsets) where.set(offset, [...(where.get(offset) ?? []), object.name]);
  const archivedOffsets = [...where.keys()].sort((a, b) => a - b);
  const firstArchived = archivedOffsets[0];
  const from = firstArchived === undefined ? earliest : Math.min(earliest, firstArchived);
  const to = Math.max(committed, 0);
  const gaps: PartitionCheck['gaps'] = [];
  let gapStart: number | undefined;
  for (let offset = from; offset < to; offset++) {
    if (!where.has(offset)) gapStart ??= offset;
    else if (gapStart !== undefined) {
      gaps.push({ from: gapStart, to: offset - 1 });
      gapStart = undefined;
    }
  }
  if (gapStart !== undefined) gaps.push({ from: gapStart, to: to - 1 });
  const duplicates = [...where].filter(([, names]) => names.length > 1).map(([offset, names]) => ({ offset, objects: names }));
  return { from, to, archived: archivedOffsets.length, gaps, duplicates };
}
