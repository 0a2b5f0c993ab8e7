import { createEnvelope } from '../../shared/envelope/envelope';
import { toKafkaMessage } from '../../shared/envelope/toKafkaMessage';
import type { BenchRecord } from './clientCandidate';

/** How many distinct user keys the records spread over: enough that every one of 12 partitions gets many. */
const USERS = 5_000;

/**
 * A record as triplane's ingest makes it: a page.viewed envelope (JSON, about 400 bytes) keyed by the
 * user id, with the envelope's headers. `seq` and `attempt` identify it when the topic is read back
 * (lost, doubled), `sentAt` gives end-to-end latency.
 */
export function benchRecord(run: string, seq: number, attempt = 0, sentAt = Date.now()): BenchRecord {
  const userId = `u-${run}-${seq % USERS}`;
  const envelope = createEnvelope({
    type: 'page.viewed',
    version: 1,
    key: userId,
    data: { userId, path: `/catalog/items/${seq % 997}?ref=bench&campaign=winter-sale`, referrer: 'https://example.com/search?q=kafka+clients', seq, attempt, sentAt },
    source: 'triplane/ingest-events',
  });
  const message = toKafkaMessage(envelope);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) if (typeof value === 'string') headers[name] = value;
  return { key: userId, value: typeof message.value === 'string' ? message.value : JSON.stringify(envelope), headers };
}

export const benchBatch = (run: string, firstSeq: number, size: number, attempt = 0): BenchRecord[] => Array.from({ length: size }, (_, i) => benchRecord(run, firstSeq + i, attempt));

/** seq, attempt and sentAt of a record read back; undefined for a value that is not one of ours. */
export function benchFields(value: string): { seq: number; attempt: number; sentAt: number } | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || !('data' in parsed)) return undefined;
    const data: unknown = parsed.data;
    if (typeof data !== 'object' || data === null) return undefined;
    const { seq, attempt, sentAt } = data as Record<string, unknown>;
    return typeof seq === 'number' && typeof attempt === 'number' && typeof sentAt === 'number' ? { seq, attempt, sentAt } : undefined;
  } catch {
    return undefined;
  }
}
