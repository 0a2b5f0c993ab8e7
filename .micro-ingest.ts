import { parseIngestRequest } from './functions/ingest-events/parseIngestRequest';
const RUN_ID = 'abc123';
const events = Array.from({ length: 100 }, (_, i) => i % 2 === 0 ? { type: 'session.touched', data: { sessionId: `s-${RUN_ID}-${i}` } } : { type: 'page.viewed', data: { userId: `u-${RUN_ID}-${i}`, path: `/bench/${i}` } });
const body = JSON.stringify({ events });
function stage(n: number) {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < n; r++) sink += parseIngestRequest(JSON.parse(body)).length;
  return Number(process.hrtime.bigint() - t0) / 1000 / (n * 100);
}
stage(2000);
for (let k = 0; k < 5; k++) console.log(stage(3000).toFixed(2), 'us/event');
