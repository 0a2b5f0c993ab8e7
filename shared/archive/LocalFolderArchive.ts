import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ArchiveStore } from './ArchiveStore';

/** The archive as files under a folder; writes go to a temporary file first, so no reader sees half an object. */
export class LocalFolderArchive implements ArchiveStore {
  readonly location: string;

  constructor(root: string) {
    this.location = root;
  }

  async put(name: string, body: string): Promise<void> {
    const path = join(this.location, name);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, body);
    await rename(temporary, path);
  }

  async get(name: string): Promise<string | undefined> {
    return readFile(join(this.location, name), 'utf8').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
  }

  async list(prefix: string): Promise<string[]> {
    const entries = await readdir(this.location, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    });
    return entries
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
      .map((entry) => relative(this.location, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .filter((name) => name.startsWith(prefix))
      .sort();
  }

  async delete(name: string): Promise<void> {
    await rm(join(this.location, name), { force: true });
  }
}
