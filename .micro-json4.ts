import { validateIncomingEvent } from './shared/envelope/validateIncomingEvent';
const events = JSON.parse(JSON.stringify(Array.from({ length: 100 }, (_, i) => i % 2 === 0 ? { type: 'session.touched', data: { sessionId: `s-abc-${i}` } } : { type: 'page.viewed', data: { userId: `u-abc-${i}`, path: `/bench/${i}` } }))) as unknown[];
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const s = (v: string) => (PLAIN.test(v) ? `"${v}"` : JSON.stringify(v));
const tmpl = (e: any) => `{"id":${s(e.id)},"type":${s(e.type)},"version":${e.version},"source":${s(e.source)},"time":${s(e.time)},"key":${s(e.key)},"correlationId":${s(e.correlationId)},"causationId":${e.causationId === null ? 'null' : s(e.causationId)},"hops":${e.hops},"data":${JSON.stringify(e.data)}}`;
const cases: Record<string, (i: number) => unknown> = {
  validate: (i) => validateIncomingEvent(events[i], '', 'triplane/ingest-events'),
  stringify: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && JSON.stringify(r.envelope); },
  template: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && tmpl(r.envelope); },
  stringifyBuf: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && Buffer.from(JSON.stringify(r.envelope)); },
  templateBuf: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && Buffer.from(tmpl(r.envelope)); },
};
const best = new Map<string, number>();
for (let k = 0; k < 12; k++) for (const [name, f] of Object.entries(cases)) {
  const n = 100_000; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) f(j % 100);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (k >= 2) best.set(name, Math.min(best.get(name) ?? Infinity, ns));
}
for (const [k, v] of best) console.log(k.padEnd(14), v.toFixed(0), 'ns');
