import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { liveHeapBytes, liveHeapBytesOfFile } from '../../../../bench/soak/heapSnapshotSize';

const snapshot = (fields: string[], nodes: number[]) => ({ snapshot: { meta: { node_fields: fields } }, nodes, strings: [] });

describe('liveHeapBytes', () => {
  it('should add up the self_size of every node, wherever node_fields puts it', () => {
    expect(liveHeapBytes(snapshot(['type', 'name', 'id', 'self_size', 'edge_count'], [0, 1, 1, 100, 0, 3, 2, 3, 28, 1]))).toBe(128);
    expect(liveHeapBytes(snapshot(['self_size', 'type'], [7, 0, 5, 1]))).toBe(12);
  });

  it('should refuse what is not a heap snapshot rather than report a size', () => {
    expect(() => liveHeapBytes({})).toThrow('node_fields');
    expect(() => liveHeapBytes(snapshot(['type', 'name'], [0, 1]))).toThrow('self_size');
    expect(() => liveHeapBytes(snapshot(['type', 'self_size'], [0, 1, 2]))).toThrow('multiple');
    expect(() => liveHeapBytes({ snapshot: { meta: { node_fields: ['self_size'] } } })).toThrow('nodes');
    expect(() => liveHeapBytes(snapshot(['self_size'], ['12' as unknown as number]))).toThrow('not a number');
  });

  it('should read a real V8 snapshot as about the heap V8 reports used right after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-heap-'));
    try {
      // A small isolate of its own (a worker thread), so the snapshot takes milliseconds, not jest's heap's minute.
      const file = join(dir, 'worker.heapsnapshot');
      const worker = new Worker(
        `const v8 = require('node:v8'); const { parentPort, workerData } = require('node:worker_threads');
         globalThis.kept = Array.from({ length: 20000 }, (_, i) => ({ i }));
         v8.writeHeapSnapshot(workerData);
         parentPort.postMessage(v8.getHeapStatistics().used_heap_size);`,
        { eval: true, workerData: file },
      );
      const [usedAfter] = (await once(worker, 'message')) as [number];
      await worker.terminate();
      const live = liveHeapBytesOfFile(file);
      // The snapshot's collection leaves garbage out; V8's own figure also counts the heap's bookkeeping.
      expect(live).toBeGreaterThan(0.5 * usedAfter);
      expect(live).toBeLessThan(1.2 * usedAfter);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
