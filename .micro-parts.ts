import * as z from 'zod';
import { createEnvelope } from './shared/envelope/envelope';
import { forbiddenKeyPath } from './shared/envelope/forbiddenKeyPath';
import { sessionRefV1, pageViewedV1 } from './shared/envelope/eventCatalog';
import { SAFE_ID_PATTERN } from './shared/envelope/eventId';
const safeId = z.string().regex(SAFE_ID_PATTERN, 'x');
const shape = z.strictObject({ type: z.string().min(1).max(100), version: z.number().int().min(1).optional(), id: safeId.optional(), key: safeId.optional(), correlationId: safeId.optional(), data: z.record(z.string(), z.unknown()) });
const RUN_ID = 'abc123';
const events = Array.from({ length: 100 }, (_, i) => i % 2 === 0 ? { type: 'session.touched', data: { sessionId: `s-${RUN_ID}-${i}` } } : { type: 'page.viewed', data: { userId: `u-${RUN_ID}-${i}`, path: `/bench/${i}` } });
const body = JSON.stringify({ events });
const parsed = JSON.parse(body).events as Array<{ type: string; data: Record<string, string> }>;
const envs = parsed.map((e) => createEnvelope({ type: e.type, version: 1, key: 'k', data: e.data, source: 'x' }));
const cases: Record<string, (i: number) => unknown> = {
  outerZod: (i) => shape.safeParse(parsed[i]),
  dataZod: (i) => (i % 2 === 0 ? sessionRefV1 : pageViewedV1).safeParse(parsed[i]!.data),
  forbidden: (i) => forbiddenKeyPath(parsed[i]!.data, 'data'),
  envelope: (i) => createEnvelope({ type: parsed[i]!.type, version: 1, key: 'k', data: parsed[i]!.data, source: 'x' }),
  stringify: (i) => JSON.stringify(envs[i]),
  stringifyBuf: (i) => Buffer.from(JSON.stringify(envs[i])),
  byteLength: (i) => Buffer.byteLength(JSON.stringify(envs[i])),
  isoTime: () => new Date().toISOString(),
};
for (let k = 0; k < 3; k++) for (const [name, f] of Object.entries(cases)) {
  const n = 300_000; let s = 0; const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++) { const r = f(j % 100); if (r) s++; }
  if (k === 2) console.log(name.padEnd(14), (Number(process.hrtime.bigint() - t0) / n).toFixed(0), 'ns');
}
