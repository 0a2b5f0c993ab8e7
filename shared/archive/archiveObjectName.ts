const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * The name of the object holding one batch of one partition: topic, partition and the offset range,
 * zero-padded so names sort in offset order. As in Kafka Connect's S3 sink, a retried batch (same
 * records, same range) gets the same name and rewrites the object instead of adding a second copy.
 */
export function archiveObjectName(topic: string, partition: number, firstOffset: number, lastOffset: number): string {
  return `${topic}/${pad(partition, 4)}/${pad(firstOffset, 20)}-${pad(lastOffset, 20)}.jsonl`;
}

export const partitionPrefix = (topic: string, partition: number): string => `${topic}/${pad(partition, 4)}/`;

export function parseArchiveObjectName(name: string): { topic: string; partition: number; firstOffset: number; lastOffset: number } | undefined {
  const match = /^(.+)\/(\d{4})\/(\d{20})-(\d{20})\.jsonl$/.exec(name);
  if (match === null) return undefined;
  const [, topic, partition, first, last] = match;
  return { topic: topic ?? '', partition: Number(partition), firstOffset: Number(first), lastOffset: Number(last) };
}
