import { readFileSync } from 'node:fs';

/**
 * The live size of a V8 heap snapshot: the sum of its nodes' `self_size`. V8 collects garbage before
 * it takes a snapshot, so this is the heap after a full collection, the figure a leak shows in, which a
 * thread that seldom runs a full collection of its own (the runtime's, about 20 MB) never reports.
 * Format: the `snapshot.meta.node_fields` header names the fields of each node in the flat `nodes` array
 * (https://developer.chrome.com/docs/devtools/memory-problems/heap-snapshots, the .heapsnapshot file).
 */
export function liveHeapBytes(snapshot: unknown): number {
  const fields = nodeFields(snapshot);
  const nodes = (snapshot as { nodes?: unknown }).nodes;
  if (!Array.isArray(nodes)) throw new Error('heap snapshot: no nodes array');
  const width = fields.length;
  const selfSize = fields.indexOf('self_size');
  if (selfSize < 0) throw new Error('heap snapshot: node_fields has no self_size');
  if (nodes.length % width !== 0) throw new Error(`heap snapshot: ${nodes.length} node values are not a multiple of ${width} fields`);
  let total = 0;
  for (let i = selfSize; i < nodes.length; i += width) {
    const size: unknown = nodes[i];
    if (typeof size !== 'number') throw new Error('heap snapshot: a self_size is not a number');
    total += size;
  }
  return total;
}

function nodeFields(snapshot: unknown): string[] {
  const meta = typeof snapshot === 'object' && snapshot !== null && 'snapshot' in snapshot ? (snapshot.snapshot as { meta?: { node_fields?: unknown } }).meta : undefined;
  const fields = meta?.node_fields;
  if (!Array.isArray(fields) || !fields.every((f): f is string => typeof f === 'string') || fields.length === 0) throw new Error('heap snapshot: no snapshot.meta.node_fields');
  return fields;
}

/** The live size of the snapshot in `file`; throws while the file is still being written (its JSON does not parse yet). */
export const liveHeapBytesOfFile = (file: string): number => liveHeapBytes(JSON.parse(readFileSync(file, 'utf8')));
