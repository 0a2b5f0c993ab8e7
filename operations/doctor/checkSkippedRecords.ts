import type { SkippedRecords } from '../../emulator/runtime/skippedRecords';
import type { GroupLag } from './checkBacklogs';
import { fail, listSome, pass, type CheckResult } from './checkResult';

export const SKIPPED_RECORDS_CHECK = 'skipped records';

const count = (n: number) => n.toLocaleString('en-US');

/**
 * A consumer must never skip records silently (shared/DESIGN.md). Two kinds of evidence, both a fail:
 * a group whose committed offset lies below its partition's log start (Kafka deleted what it never
 * read: it will skip them on its next fetch), and skips the local runtime's mappings already counted
 * (after which the group's offsets alone no longer show it).
 */
export function checkSkippedRecords(lags: readonly GroupLag[], counted: readonly SkippedRecords[] = []): CheckResult {
  const deleted = lags.filter((l) => l.deletedUnread > 0).map((l) => `${l.group} on ${l.topic}: ${count(l.deletedUnread)} deleted unread`);
  const skipped = counted.filter((s) => s.records > 0).map((s) => `${s.function} skipped ${count(s.records)} of ${s.topic}-${s.partition}`);
  if (deleted.length + skipped.length === 0) return pass(SKIPPED_RECORDS_CHECK, `${lags.length} group/topic pairs, every committed offset within the log`);
  return fail(
    SKIPPED_RECORDS_CHECK,
    listSome([...deleted, ...skipped]),
    "records were lost to retention before their consumer read them: replay what the archive holds for those offsets (npm run archive -- lookup), then raise the topic's retention or fix the consumer that fell behind",
  );
}
