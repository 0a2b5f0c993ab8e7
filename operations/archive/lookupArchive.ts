import type { ArchiveStore } from '../../shared/archive/ArchiveStore';
import type { KafkaTriggerRecord } from '../../shared/triggers/kafka/KafkaTriggerEvent';

/** The envelope fields the history shows; only read from a value that has every one with its type. */
export interface ArchivedEnvelope {
  id: string;
  type: string;
  time: string;
  key: string;
  correlationId: string;
  causationId: string | null;
  hops: number;
  data: unknown;
}

export interface ArchivedEvent {
  topic: string;
  partition: number;
  offset: number;
  /** The envelope, or undefined for a record whose value is not one (it is still listed if its key matches). */
  envelope?: ArchivedEnvelope;
  key: string | null;
  /** Why the record was dead-lettered (`dlt-reason`), for records of the dead-letters topic. */
  deadLetterReason?: string;
  /** Who dead-lettered it (`dlt-consumer`). */
  deadLetteredBy?: string;
}

export interface ArchiveQuery {
  eventId?: string;
  correlationId?: string;
  /** A partition key: an order id, a user id, a session id... */
  key?: string;
}

const decode = (base64: unknown): string | null => (typeof base64 === 'string' ? Buffer.from(base64, 'base64').toString('utf8') : null);

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The envelope of a record's value, or undefined for anything else (not JSON, a number, an array, an object missing fields). */
export function archivedEnvelopeOf(text: string | null): ArchivedEnvelope | undefined {
  if (text === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const { id, type, time, key, correlationId, causationId, hops, data } = parsed;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof time !== 'string' || typeof key !== 'string' || typeof correlationId !== 'string') return undefined;
  if (typeof hops !== 'number' || (causationId !== null && typeof causationId !== 'string')) return undefined;
  return { id, type, time, key, correlationId, causationId, hops, data };
}

/** One header's text from Lambda's header list (one-name objects of byte arrays), or undefined. */
function headerText(headers: unknown, name: string): string | undefined {
  if (!Array.isArray(headers)) return undefined;
  let found: string | undefined;
  for (const header of headers as unknown[]) {
    if (!isRecord(header) || !Object.prototype.hasOwnProperty.call(header, name)) continue;
    const bytes = header[name];
    if (Array.isArray(bytes)) found = Buffer.from(bytes.map((b) => Number(b) & 0xff)).toString('utf8');
  }
  return found;
}

/**
 * Finds events in the archive by id, correlation id or key, and returns them in time order: the whole
 * history of an order (its key) across the events and workflow outcomes that Kafka holds or held,
 * dead letters included (with their reason), so a refused event (an id reused with different content,
 * a second placement of an order) shows next to the one that was applied. A line that is not a record,
 * or a record whose value is not an envelope, never stops the lookup. Reads every object, as an
 * auditor's tool may; an index would be the next step for a large archive.
 */
export async function lookupArchive(store: ArchiveStore, query: ArchiveQuery): Promise<ArchivedEvent[]> {
  const found: ArchivedEvent[] = [];
  for (const name of await store.list('')) {
    for (const line of ((await store.get(name)) ?? '').split('\n')) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue;
      }
      if (!isRecord(parsed)) continue;
      const record = parsed as Partial<KafkaTriggerRecord>;
      const key = decode(record.key);
      const envelope = archivedEnvelopeOf(decode(record.value));
      const matches =
        (query.eventId !== undefined && envelope?.id === query.eventId) ||
        (query.correlationId !== undefined && envelope?.correlationId === query.correlationId) ||
        (query.key !== undefined && (key === query.key || envelope?.key === query.key));
      if (!matches) continue;
      const deadLetterReason = headerText(record.headers, 'dlt-reason');
      const deadLetteredBy = headerText(record.headers, 'dlt-consumer');
      found.push({
        topic: String(record.topic),
        partition: Number(record.partition),
        offset: Number(record.offset),
        envelope,
        key,
        ...(deadLetterReason !== undefined ? { deadLetterReason } : {}),
        ...(deadLetteredBy !== undefined ? { deadLetteredBy } : {}),
      });
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
      const refused = e.deadLetterReason === undefined ? '' : ` DEAD-LETTERED by ${e.deadLetteredBy ?? '?'}: ${e.deadLetterReason}`;
      if (env === undefined) return `${'(not an envelope)'.padEnd(24)} ${where.padEnd(22)} key=${e.key ?? 'null'}${refused}`;
      return `${env.time} ${where.padEnd(22)} ${env.type.padEnd(22)} id=${env.id} hops=${env.hops} correlation=${env.correlationId} ${JSON.stringify(env.data)}${refused}`;
    })
    .join('\n');
}
