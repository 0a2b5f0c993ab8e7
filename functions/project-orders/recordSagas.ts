import type { RecordBatch } from '../../shared/middleware/batch/RecordBatch';
import { logger } from '../../shared/observability/logger';
import { sagaProgressOf, type SagaProgress } from '../../shared/workflow/saga/sagaProgress';
import { recordSagaProgress } from '../../shared/workflow/saga/sagaRecords';

/**
 * Writes what the batch's order events say about their sagas (shared/workflow/saga/sagaProgress), so
 * the saga records are rebuildable from the orders topic. A disagreement (an outcome that is not the
 * workflow's own, or one the record does not expect) moves no saga and is logged; the event still
 * reaches the order view, which shows what the topic holds.
 */
export async function recordSagas(batch: RecordBatch<unknown>): Promise<void> {
  const progress: SagaProgress[] = [];
  const disagreements: string[] = [];
  for (const record of batch.accepted) {
    const found = sagaProgressOf(record.envelope);
    if (found === undefined) continue;
    if ('refused' in found) disagreements.push(found.refused);
    else progress.push(found);
  }
  const replies = await recordSagaProgress(progress, batch.keys);
  replies.forEach((reply, i) => {
    const entry = progress[i];
    if (reply !== undefined && entry !== undefined) disagreements.push(`order ${entry.orderId}, ${entry.kind === 'step' ? `${entry.took} ${entry.commandId}` : 'placement'}: ${reply}`);
  });
  if (disagreements.length > 0) logger.warn('order events the saga records do not follow', { count: disagreements.length, first: disagreements.slice(0, 5) });
}
