import { verifyArchive } from '../../operations/archive/verifyArchive';
import { consumerLag } from '../../shared/kafka/consumerLag';
import { LocalFolderArchive } from '../../shared/archive/LocalFolderArchive';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { FUNCTIONS, subscriptionsOf } from '../../shared/routes/functionCatalog';
import { waitForProgress, type ProgressWait } from '../../testkit/waitUntil';

export interface ArchiveCheck {
  ok: boolean;
  /** Offsets below the sink's committed offset that no archive object holds. */
  gapOffsets: number;
  /** Offsets held by more than one object (a retried batch cut differently after a crash); informational. */
  duplicateOffsets: number;
  archived: number;
  /** The sink had not committed everything the topics hold when the wait ended (then the proof covers less). */
  caughtUp: boolean;
  problems: string[];
}

const ARCHIVER = FUNCTIONS.find((fn) => fn.writesArchive === true);

/**
 * (a) The audit completeness proof: waits until the archive sink (archive-events, with the runtime's
 * group suffix) has committed everything every topic holds, then runs verifyArchive on the run's
 * archive folder: every offset from the earliest to the committed one must be in an object.
 */
export async function checkArchive(brokers: string[], archiveDir: string, groupSuffix: string, wait: ProgressWait): Promise<ArchiveCheck> {
  const subscriptions = ARCHIVER === undefined ? [] : subscriptionsOf(ARCHIVER);
  if (ARCHIVER === undefined || subscriptions.length === 0) throw new Error('serverless.yml has no archive-events function on MSK');
  const admin = localKafkaClient(brokers, 'triplane-faults-archive').admin();
  let caughtUp: boolean;
  let lag = 0;
  try {
    const waited = await waitForProgress(async () => {
      const lags = await Promise.all(subscriptions.map(async ({ topic, consumerGroupId }) => (await consumerLag(admin, `${consumerGroupId}${groupSuffix}`, topic)).total));
      lag = lags.reduce((n, l) => n + l, 0);
      return { done: lag === 0, progress: String(lag) };
    }, wait);
    caughtUp = waited.done;
  } finally {
    await admin.close();
  }
  const report = await verifyArchive({ brokers, store: new LocalFolderArchive(archiveDir), groupSuffix });
  const gapOffsets = report.partitions.reduce((n, p) => n + p.gaps.reduce((m, g) => m + g.to - g.from + 1, 0), 0);
  const duplicateOffsets = report.partitions.reduce((n, p) => n + p.duplicates.length, 0);
  const problems = report.partitions.flatMap((p) => p.gaps.map((g) => `${p.topic}-${p.partition}: gap ${g.from}-${g.to}`)).slice(0, 8);
  if (!caughtUp) problems.unshift(`the archive sink stopped short: ${lag} records not committed`);
  return { ok: report.ok && caughtUp, gapOffsets, duplicateOffsets, archived: report.partitions.reduce((n, p) => n + p.archived, 0), caughtUp, problems };
}
