import { join } from 'node:path';
import type { ArchiveStore } from './ArchiveStore';
import { LocalFolderArchive } from './LocalFolderArchive';
import { S3Archive } from './S3Archive';

let store: ArchiveStore | undefined;

/** S3 when ARCHIVE_BUCKET is set (deployed), else the folder TRIPLANE_ARCHIVE_DIR (default .triplane/archive). */
export function configuredArchive(): ArchiveStore {
  store ??= process.env.ARCHIVE_BUCKET
    ? new S3Archive(process.env.ARCHIVE_BUCKET, process.env.ARCHIVE_PREFIX ?? '')
    : new LocalFolderArchive(process.env.TRIPLANE_ARCHIVE_DIR ?? join(process.cwd(), '.triplane', 'archive'));
  return store;
}
