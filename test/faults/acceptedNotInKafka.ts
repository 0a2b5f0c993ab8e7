import { LocalFolderArchive } from '../../shared/archive/LocalFolderArchive';

/** Envelope ids per archive object already read: an object's name is its offset range, so its records never change. */
const idsByObject = new Map<string, string[]>();

/**
 * Accepted event ids that no archived record carries. Once the archive is proven complete (no gaps, the
 * sink caught up), "not in the archive" means "never stored in Kafka": an event ingest answered 202 for
 * that Kafka does not hold was lost before any consumer could see it, which tells a producer-side loss
 * from a consumer that skipped a record.
 */
export async function acceptedNotInKafka(archiveDir: string, accepted: ReadonlySet<string>): Promise<string[]> {
  const store = new LocalFolderArchive(archiveDir);
  const present = new Set<string>();
  for (const name of await store.list('')) {
    let ids = idsByObject.get(name);
    if (ids === undefined) {
      ids = idsIn((await store.get(name)) ?? '');
      idsByObject.set(name, ids);
    }
    for (const id of ids) present.add(id);
  }
  return [...accepted].filter((id) => !present.has(id));
}

function idsIn(body: string): string[] {
  const ids: string[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record: unknown = JSON.parse(line);
      if (typeof record !== 'object' || record === null || !('value' in record) || typeof record.value !== 'string') continue;
      const envelope: unknown = JSON.parse(Buffer.from(record.value, 'base64').toString('utf8'));
      if (typeof envelope === 'object' && envelope !== null && 'id' in envelope && typeof envelope.id === 'string') ids.push(envelope.id);
    } catch {
      // A record that is not an envelope (the dead-letters topic can hold raw bytes) carries no id to find.
    }
  }
  return ids;
}
