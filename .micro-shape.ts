import { certainIncomingShape, incomingEventShape } from './shared/envelope/incomingEventShape';
const events = JSON.parse(JSON.stringify(Array.from({ length: 100 }, (_, i) => i % 2 === 0 ? { type: 'session.touched', data: { sessionId: `s-abc-${i}` } } : { type: 'page.viewed', data: { userId: `u-abc-${i}`, path: `/bench/${i}` } }))) as unknown[];
const cases: Record<string, (i: number) => unknown> = { zod: (i) => incomingEventShape.safeParse(events[i]), certain: (i) => certainIncomingShape(events[i]) };
for (let k = 0; k < 5; k++) for (const [name, f] of Object.entries(cases)) {
  const n = 300_000; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) f(j % 100);
  if (k >= 3) console.log(name.padEnd(10), (Number(process.hrtime.bigint() - t0) / n).toFixed(0), 'ns');
}
