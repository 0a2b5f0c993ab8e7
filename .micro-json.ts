import { createEnvelope } from './shared/envelope/envelope';
const envs = Array.from({ length: 100 }, (_, i) => createEnvelope({ type: i % 2 ? 'page.viewed' : 'session.touched', version: 1, key: `u-abc123-${i}`, data: i % 2 ? { userId: `u-abc123-${i}`, path: `/bench/${i}` } : { sessionId: `s-abc123-${i}` }, source: 'triplane/ingest-events' }));
const q = (s: string) => JSON.stringify(s);
const cases: Record<string, (i: number) => unknown> = {
  stringify: (i) => JSON.stringify(envs[i]),
  template: (i) => { const e = envs[i]!; return `{"id":${q(e.id)},"type":${q(e.type)},"version":${e.version},"source":${q(e.source)},"time":${q(e.time)},"key":${q(e.key)},"correlationId":${q(e.correlationId)},"causationId":null,"hops":${e.hops},"data":${JSON.stringify(e.data)}}`; },
  templateRaw: (i) => { const e = envs[i]!; return `{"id":"${e.id}","type":"${e.type}","version":${e.version},"source":"${e.source}","time":"${e.time}","key":"${e.key}","correlationId":"${e.correlationId}","causationId":null,"hops":${e.hops},"data":${JSON.stringify(e.data)}}`; },
  dataOnly: (i) => JSON.stringify(envs[i]!.data),
  bufFrom: (i) => Buffer.from(envs[i]!.id),
  bufFromLong: (i) => Buffer.from(JSON.stringify(envs[i])),
};
for (let k = 0; k < 3; k++) for (const [name, f] of Object.entries(cases)) {
  const n = 500_000; let s = 0; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) { const r = f(j % 100); if (r) s++; }
  if (k === 2) console.log(name.padEnd(14), (Number(process.hrtime.bigint() - t0) / n).toFixed(0), 'ns');
}
