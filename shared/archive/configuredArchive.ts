import { functionConfig } from '../config/functionConfig';
import { join } from 'node:path';
import type { ArchiveStore } from './ArchiveStore';
import { LocalFolderArchive } from './LocalFolderArchive';
import { S3Archive } from './S3Archive';

let store: ArchiveStore | undefined;

/** S3 when ARCHIVE_BUCKET is set (deployed), else the folder TRIPLANE_ARCHIVE_DIR (default .triplane/archive). */
export function configuredArchive(): ArchiveStore {
  const config = functionConfig();
  store ??=
    config.ARCHIVE_BUCKET !== undefined
      ? new S3Archive(config.ARCHIVE_BUCKET, config.ARCHIVE_PREFIX)
      : new LocalFolderArchive(config.TRIPLANE_ARCHIVE_DIR ?? join(process.cwd(), '.triplane', 'archive'));
  return store;
}
