import type { ArchiveStore } from '../../shared/archive/ArchiveStore';
import { checkArchivedPartition, type PartitionCheck } from '../../shared/archive/checkArchivedPartition';
import { partitionPrefix } from '../../shared/archive/archiveObjectName';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { FUNCTIONS, subscriptionsOf } from '../../shared/routes/functionCatalog';

export interface ArchiveReport {
  ok: boolean;
  partitions: Array<{ topic: string; partition: number } & PartitionCheck>;
}

const ARCHIVER = FUNCTIONS.find((fn) => fn.writesArchive === true);

/**
 * Proves the archive complete: for every topic partition the sink reads, reads Kafka's low watermark
 * and the sink's committed offset, reads every archived object of the partition, and checks that each
 * offset in between is archived exactly once. `ok` is false when any partition has a gap.
 */
export async function verifyArchive(options: { brokers: string[]; store: ArchiveStore; groupSuffix?: string }): Promise<ArchiveReport> {
  if (ARCHIVER === undefined || subscriptionsOf(ARCHIVER).length === 0) throw new Error('serverless.yml has no archive-events function on MSK');
  const admin = localKafkaClient(options.brokers, 'triplane-archive-verify').admin();
  const partitions: ArchiveReport['partitions'] = [];
  try {
    for (const { topic, consumerGroupId } of subscriptionsOf(ARCHIVER)) {
      const groupId = `${consumerGroupId}${options.groupSuffix ?? ''}`;
      const [watermarks, committed] = await Promise.all([admin.topicOffsets(topic), admin.groupOffsets(groupId, topic)]);
      for (const { partition, low } of watermarks) {
        // -1: the sink never committed this partition.
        const position = Number(committed.get(partition) ?? -1n);
        const names = await options.store.list(partitionPrefix(topic, partition));
        const objects = await Promise.all(
          names.map(async (name) => ({
            name,
            offsets: ((await options.store.get(name)) ?? '')
              .split('\n')
              .filter((line) => line.trim() !== '')
              .map((line) => Number((JSON.parse(line) as { offset: unknown }).offset)),
          })),
        );
        partitions.push({ topic, partition, ...checkArchivedPartition(Number(low), position, objects) });
      }
    }
  } finally {
    await admin.close();
  }
  return { ok: partitions.every((p) => p.gaps.length === 0), partitions };
}

export function formatArchiveReport(report: ArchiveReport, location: string): string {
  const lines = [`archive ${location}: ${report.ok ? 'COMPLETE' : 'GAPS FOUND'}`];
  for (const p of report.partitions) {
    if (p.to <= p.from && p.archived === 0) continue;
    const problems = [...p.gaps.map((g) => `gap ${g.from}-${g.to}`), ...(p.duplicates.length > 0 ? [`${p.duplicates.length} duplicate offsets (first ${String(p.duplicates[0]?.offset)})`] : [])];
    lines.push(`  ${`${p.topic}-${p.partition}`.padEnd(18)} offsets ${p.from}..${p.to - 1}  archived ${p.archived}  ${problems.length > 0 ? problems.join(', ') : 'ok'}`);
  }
  return lines.join('\n');
}
