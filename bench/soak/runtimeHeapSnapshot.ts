import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeProcess } from '../../test/faults/runtimeProcess';
import { sleep } from '../../testkit/waitUntil';
import { liveHeapBytesOfFile } from './heapSnapshotSize';

/** The signal the soak starts the runtime with (`--heapsnapshot-signal`); Node's default user signal for it. */
export const HEAP_SNAPSHOT_SIGNAL = 'SIGUSR2';
const POLL_MS = 250;

/** Node options that make the runtime write a heap snapshot of its main thread into `dir` when signalled. */
export const heapSnapshotOptions = (dir: string): string[] => [`--heapsnapshot-signal=${HEAP_SNAPSHOT_SIGNAL}`, `--diagnostic-dir=${dir}`];

const snapshotFiles = (dir: string): Set<string> => new Set(readdirSync(dir).filter((name) => name.endsWith('.heapsnapshot')));

/**
 * The runtime thread's live heap in MB: signals the runtime for a snapshot of its main thread and reads
 * the size of what was alive (heapSnapshotSize.ts), then deletes the file (~20 MB). Node writes the file
 * from the signal handler, which takes the runtime thread about a second; the file is read once its JSON
 * parses, i.e. once it is whole.
 */
export async function runtimeLiveHeapMb(runtime: RuntimeProcess, dir: string, timeoutMs = 60_000): Promise<number> {
  const before = snapshotFiles(dir);
  runtime.signalRuntime(HEAP_SNAPSHOT_SIGNAL);
  const deadline = performance.now() + timeoutMs;
  let lastError = 'no snapshot file appeared';
  while (performance.now() < deadline) {
    await sleep(POLL_MS);
    const file = [...snapshotFiles(dir)].find((name) => !before.has(name));
    if (file === undefined) continue;
    try {
      const bytes = liveHeapBytesOfFile(join(dir, file));
      rmSync(join(dir, file), { force: true });
      return bytes / (1024 * 1024);
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  throw new Error(`no whole heap snapshot of the runtime within ${timeoutMs / 1000} s: ${lastError}`);
}
