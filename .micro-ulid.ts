import { newEventId } from './shared/envelope/eventId';
const flatPool = Array.from({ length: 1000 }, () => Buffer.from(newEventId(), 'latin1').toString('latin1'));
const base = { type: 'page.viewed', version: 1, source: 'triplane/ingest-events', time: new Date().toISOString(), key: 'u-abc-1', causationId: null, hops: 0, data: { userId: 'u-abc-1', path: '/bench/1' } };
const codes = new Uint8Array(26);
const ENC = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const cases: Record<string, (i: number) => unknown> = {
  ulidOnly: () => newEventId(),
  ulidStringify: () => { const id = newEventId(); return JSON.stringify({ id, ...base, correlationId: id }); },
  flatStringify: (i) => { const id = flatPool[i % 1000]!; return JSON.stringify({ id, ...base, correlationId: id }); },
  fromCodes: () => { for (let j = 0; j < 26; j++) codes[j] = ENC.charCodeAt((j * 7) & 31); return String.fromCharCode.apply(null, codes as unknown as number[]); },
  latin1: () => { for (let j = 0; j < 26; j++) codes[j] = ENC.charCodeAt((j * 7) & 31); return Buffer.from(codes.buffer, codes.byteOffset, 26).latin1Slice(0, 26); },
};
for (let k = 0; k < 6; k++) for (const [name, f] of Object.entries(cases)) {
  const n = 300_000; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) f(j);
  if (k >= 4) console.log(name.padEnd(14), (Number(process.hrtime.bigint() - t0) / n).toFixed(0), 'ns');
}
