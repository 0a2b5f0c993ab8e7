import { validateIncomingEvent } from './shared/envelope/validateIncomingEvent';
const events = JSON.parse(JSON.stringify(Array.from({ length: 100 }, (_, i) => i % 2 === 0 ? { type: 'session.touched', data: { sessionId: `s-abc-${i}` } } : { type: 'page.viewed', data: { userId: `u-abc-${i}`, path: `/bench/${i}` } }))) as unknown[];
const envs = events.map((e) => { const r = validateIncomingEvent(e, '', 'triplane/ingest-events'); if (!r.ok) throw new Error(); return r.envelope; });
const copies = envs.map((e) => JSON.parse(JSON.stringify(e)));
const noData = envs.map((e) => ({ ...e, data: null }));
const cases: Record<string, (i: number) => unknown> = {
  stringify: (i) => JSON.stringify(envs[i]),
  parsedCopy: (i) => JSON.stringify(copies[i]),
  noData: (i) => JSON.stringify(noData[i]),
  fresh: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r; },
  freshStr: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && JSON.stringify(r.envelope); },
};
for (let k = 0; k < 0; k++) for (const [name, f] of Object.entries(cases)) {
  const n = 200_000; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) f(j % 100);
  if (k >= 3) console.log(name.padEnd(10), (Number(process.hrtime.bigint() - t0) / n).toFixed(0), 'ns');
}
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const s = (v: string) => (PLAIN.test(v) ? `"${v}"` : JSON.stringify(v));
const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');
const tmpl = (e: any) => `{"id":${s(e.id)},"type":${s(e.type)},"version":${num(e.version)},"source":${s(e.source)},"time":${s(e.time)},"key":${s(e.key)},"correlationId":${s(e.correlationId)},"causationId":${e.causationId === null ? 'null' : s(e.causationId)},"hops":${num(e.hops)},"data":${JSON.stringify(e.data)}}`;
const cases2: Record<string, (i: number) => unknown> = {
  fresh: (i) => validateIncomingEvent(events[i], '', 'triplane/ingest-events'),
  freshStr: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && JSON.stringify(r.envelope); },
  freshTmpl: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && tmpl(r.envelope); },
  freshStrBuf: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && Buffer.from(JSON.stringify(r.envelope)); },
  freshTmplBuf: (i) => { const r = validateIncomingEvent(events[i], '', 'triplane/ingest-events'); return r.ok && Buffer.from(tmpl(r.envelope)); },
};
for (let k = 0; k < 7; k++) for (const [name, f] of Object.entries(cases2)) {
  const n = 200_000; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) f(j % 100);
  if (k >= 4) console.log('2', name.padEnd(12), (Number(process.hrtime.bigint() - t0) / n).toFixed(0), 'ns');
}
