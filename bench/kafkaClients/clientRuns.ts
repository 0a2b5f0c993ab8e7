import { percentile } from '../statistics';
import { benchBatch, benchFields, benchRecord } from './benchRecords';
import type { BenchRecord, ClientCandidate } from './clientCandidate';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Produce throughput as triplane's ingest produces: batches of 100 records, `lanes` sends in flight
 * (each awaiting its acknowledgement before the next), acks=all, idempotent, for `seconds`. The batches
 * are made before the clock starts so the figure is the client's, not the envelope code's. Returns
 * acknowledged records per second.
 */
export async function produceThroughput(candidate: ClientCandidate, brokers: readonly string[], topic: string, run: string, seconds: number, lanes = 16): Promise<number> {
  const producer = await candidate.producer(brokers);
  try {
    const pool = Array.from({ length: 64 }, (_, i) => benchBatch(run, i * 100, 100));
    // Warm-up: connections, metadata and the producer id are set up before timing.
    await Promise.all(pool.slice(0, lanes).map((batch) => producer.send(topic, batch)));
    let acknowledged = 0;
    let next = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (performance.now() < deadline) {
          const batch = pool[next++ % pool.length] ?? [];
          await producer.send(topic, batch);
          acknowledged += batch.length;
        }
      }),
    );
    return acknowledged / ((performance.now() - started) / 1000);
  } finally {
    await producer.close();
  }
}

/** One record per send, each awaited before the next (a handler publishing one event): latency of each send in ms. */
export async function oneByOneLatencies(candidate: ClientCandidate, brokers: readonly string[], topic: string, run: string, sends: number): Promise<number[]> {
  const producer = await candidate.producer(brokers);
  try {
    for (let i = 0; i < 50; i++) await producer.send(topic, [benchRecord(run, i)]);
    const latencies: number[] = [];
    for (let i = 0; i < sends; i++) {
      const record = benchRecord(run, i);
      const started = performance.now();
      await producer.send(topic, [record]);
      latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    await producer.close();
  }
}

/**
 * A fresh consumer group reads `expected` records from the start of a prefilled topic. Returns records
 * per second from the first record to the last (the group join is reported apart, as joinMs).
 */
export async function consumeThroughput(
  candidate: ClientCandidate,
  brokers: readonly string[],
  topic: string,
  groupId: string,
  expected: number,
  timeoutMs = 120_000,
): Promise<{ perSecond: number; joinMs: number }> {
  const started = performance.now();
  let first = 0;
  let count = 0;
  let finish: (at: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const consumer = await candidate.consume(brokers, topic, groupId, (records) => {
    if (count === 0) first = performance.now();
    count += records.length;
    if (count >= expected) finish(performance.now());
  });
  try {
    const timer = sleep(timeoutMs).then(() => Number.NaN);
    const last = await Promise.race([done, timer]);
    if (!Number.isFinite(last)) throw new Error(`${candidate.name}: ${count} of ${expected} records consumed in ${timeoutMs} ms`);
    return { perSecond: (expected - 1) / ((last - first) / 1000), joinMs: first - started };
  } finally {
    await consumer.stop();
  }
}

/**
 * End-to-end latency at a fixed rate: the candidate's own producer sends `perSecond` records a second
 * (a batch every 10 ms, not waiting for the previous one, as concurrent ingest requests would) while a
 * consumer group of the same client reads the topic; latency is the time from just before the send to
 * the record handed to the consumer. The first second is dropped (group and fetch sessions settling).
 */
export async function endToEndLatencies(candidate: ClientCandidate, brokers: readonly string[], topic: string, groupId: string, run: string, perSecond: number, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  let measuring = false;
  // Set by the consumer's callback: typed wide so the loop below does not read it as always false.
  let warmedUp = false as boolean;
  const consumer = await candidate.consume(brokers, topic, groupId, (records) => {
    const now = Date.now();
    for (const record of records) {
      const fields = benchFields(record.value);
      if (fields === undefined) continue;
      if (fields.attempt === 1) warmedUp = true;
      if (measuring && fields.attempt === 2) latencies.push(now - fields.sentAt);
    }
  });
  const producer = await candidate.producer(brokers);
  try {
    // attempt 1 marks warm-up records: the consumer is assigned and fetching once one comes back.
    const warmUpUntil = Date.now() + 30_000;
    while (!warmedUp && Date.now() < warmUpUntil) {
      await producer.send(topic, [benchRecord(run, 0, 1)]);
      await sleep(100);
    }
    if (!warmedUp) throw new Error(`${candidate.name}: consumer never received a record`);
    const perTick = Math.max(1, Math.round(perSecond / 100));
    const sends: Array<Promise<unknown>> = [];
    const started = Date.now();
    let seq = 0;
    for (let tick = 0; ; tick++) {
      const due = started + tick * 10;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      if (Date.now() - started >= (seconds + 1) * 1000) break;
      measuring = Date.now() - started >= 1000;
      const attempt = measuring ? 2 : 1;
      const batch: BenchRecord[] = Array.from({ length: perTick }, () => benchRecord(run, seq++, attempt));
      sends.push(producer.send(topic, batch));
    }
    await Promise.all(sends);
    const drainUntil = Date.now() + 10_000;
    while (latencies.length < seconds * perSecond * 0.99 && Date.now() < drainUntil) await sleep(50);
    return latencies;
  } finally {
    await producer.close();
    await consumer.stop();
  }
}

export const p = (samples: readonly number[], at: number): number => percentile(samples, at);
