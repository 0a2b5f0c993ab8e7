const strs = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: '01KBX' + 'A'.repeat(21), type: 'page.viewed', version: 1, source: 'triplane/ingest-events', time: new Date().toISOString(), key: `u-abc123-${i}`, correlationId: '01KBX' + 'A'.repeat(21), causationId: null, hops: 0, data: { userId: `u-abc123-${i}`, path: `/bench/${i}` } }));
let slab = Buffer.allocUnsafe(64 * 1024); let off = 0;
const enc = new TextEncoder();
const cases: Record<string, (i: number) => unknown> = {
  from: (i) => Buffer.from(strs[i]!),
  slabWrite: (i) => { const s = strs[i]!; if (off + s.length * 3 > slab.length) { slab = Buffer.allocUnsafe(64 * 1024); off = 0; } const n = slab.write(s, off); const b = slab.subarray(off, off + n); off += n; return b; },
  slabLatin1: (i) => { const s = strs[i]!; if (off + s.length * 3 > slab.length) { slab = Buffer.allocUnsafe(64 * 1024); off = 0; } const n = slab.latin1Write(s, off); const b = slab.subarray(off, off + n); off += n; return b; },
  encodeInto: (i) => { const s = strs[i]!; if (off + s.length * 3 > slab.length) { slab = Buffer.allocUnsafe(64 * 1024); off = 0; } const r = enc.encodeInto(s, slab.subarray(off)); const b = slab.subarray(off, off + r.written); off += r.written; return b; },
  byteLength: (i) => Buffer.byteLength(strs[i]!),
};
for (let k = 0; k < 3; k++) for (const [name, f] of Object.entries(cases)) {
  const n = 500_000; let s = 0; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) { const r = f(j % 100); if (r) s++; }
  if (k === 2) console.log(name.padEnd(14), (Number(process.hrtime.bigint() - t0) / n).toFixed(0), 'ns');
}
