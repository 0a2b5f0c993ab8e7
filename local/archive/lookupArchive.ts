import type { ArchiveStore } from '../../shared/archive/ArchiveStore';
import type { KafkaTriggerRecord } from '../../shared/triggers/kafka/KafkaTriggerEvent';

export interface ArchivedEvent {
  topic: string;
  partition: number;
  offset: number;
  /** The envelope, or undefined for a record whose value is not one (it is still listed if its key matches). */
  envelope?: { id: string; type: string; time: string; key: string; correlationId: string; causationId: string | null; hops: number; data: unknown };
  key: string | null;
}

export interface ArchiveQuery {
  eventId?: string;
  correlationId?: string;
  /** A partition key: an order id, a user id, a session id... */
  key?: string;
}

const decode = (base64: string | null | undefined): string | null => (base64 === null || base64 === undefined ? null : Buffer.from(base64, 'base64').toString('utf8'));

/**
 * Finds events in the archive by id, correlation id or key, and returns them in time order: the whole
 * history of an order (its key) across the events and workflow outcomes that Kafka holds or held.
 * Reads every object, as an auditor's tool may; an index would be the next step for a large archive.
 */
export async function lookupArchive(store: ArchiveStore, query: ArchiveQuery): Promise<ArchivedEvent[]> {
  const found: ArchivedEvent[] = [];
  for (const name of await store.list('')) {
    for (const line of ((await store.get(name)) ?? '').split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as KafkaTriggerRecord;
      const key = decode(record.key);
      let envelope: ArchivedEvent['envelope'];
      try {
        envelope = JSON.parse(decode(record.value) ?? 'null') as ArchivedEvent['envelope'];
      } catch {
        envelope = undefined;
      }
      const matches =
        (query.eventId !== undefined && envelope?.id === query.eventId) ||
        (query.correlationId !== undefined && envelope?.correlationId === query.correlationId) ||
        (query.key !== undefined && (key === query.key || envelope?.key === query.key));
      if (matches) found.push({ topic: record.topic, partition: record.partition, offset: record.offset, envelope: envelope ?? undefined, key });
    }
  }
  return found.sort((a, b) => (a.envelope?.time ?? '').localeCompare(b.envelope?.time ?? '') || a.offset - b.offset);
}

export function formatHistory(events: ArchivedEvent[]): string {
  if (events.length === 0) return 'no archived event matches';
  return events
    .map((e) => {
      const env = e.envelope;
      const where = `${e.topic}-${e.partition}@${e.offset}`;
      if (env === undefined) return `${'(not an envelope)'.padEnd(24)} ${where.padEnd(22)} key=${e.key}`;
      return `${env.time} ${where.padEnd(22)} ${env.type.padEnd(22)} id=${env.id} hops=${env.hops} correlation=${env.correlationId} ${JSON.stringify(env.data)}`;
    })
    .join('\n');
}
