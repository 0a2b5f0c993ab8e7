import { validateIncomingEvent } from './shared/envelope/validateIncomingEvent';
const events = JSON.parse(JSON.stringify(Array.from({ length: 100 }, (_, i) => i % 2 === 0 ? { type: 'session.touched', data: { sessionId: `s-abc-${i}` } } : { type: 'page.viewed', data: { userId: `u-abc-${i}`, path: `/bench/${i}` } }))) as unknown[];
const envs = events.map((e) => { const r = validateIncomingEvent(e, '', 'triplane/ingest-events'); if (!r.ok) throw new Error(); return r.envelope; });
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const s = (v: string) => (PLAIN.test(v) ? `"${v}"` : JSON.stringify(v));
const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');
const cases: Record<string, (i: number) => unknown> = {
  stringify: (i) => JSON.stringify(envs[i]),
  template: (i) => { const e = envs[i]!; return `{"id":${s(e.id)},"type":${s(e.type)},"version":${num(e.version)},"source":${s(e.source)},"time":${s(e.time)},"key":${s(e.key)},"correlationId":${s(e.correlationId)},"causationId":${e.causationId === null ? 'null' : s(e.causationId)},"hops":${num(e.hops)},"data":${JSON.stringify(e.data)}}`; },
  keys: (i) => Object.keys(envs[i]!).length,
  data: (i) => JSON.stringify(envs[i]!.data),
};
for (let k = 0; k < 5; k++) for (const [name, f] of Object.entries(cases)) {
  const n = 300_000; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) f(j % 100);
  if (k >= 3) console.log(name.padEnd(10), (Number(process.hrtime.bigint() - t0) / n).toFixed(0), 'ns');
}
