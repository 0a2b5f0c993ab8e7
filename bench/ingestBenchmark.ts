import { childEnvironment, setEnvironment } from '../emulator/config/localConfig';
import type { MessageToProduce, Producer } from '@platformatic/kafka';
import { startHttpApiServer } from '../emulator/runtime/httpApiServer';
import { loadFunction } from '../emulator/runtime/loadedFunction';
import { PROJECT_ROOT } from '../emulator/services/localPaths';
import { closeKafkaProducer } from '../shared/clients/kafkaProducer';
import { createEnvelope } from '../shared/envelope/envelope';
import { toKafkaMessage } from '../shared/envelope/toKafkaMessage';
import { benchRawProducer } from './benchKafka';
import { ratioOf, type BenchmarkResult, type ResultRow } from './benchmarkResult';
import { stopBenchRuntime } from './benchRuntime';
import { RUN_ID, wiredFunction } from './benchRun';
import { okCount, perSecondRates, runLoad } from '../testkit/load/autocannonLoad';
import { median } from './statistics';
import { BENCH_HEADERS } from './benchEnvironment';
import { functionEnvironment } from '../emulator/runtime/functionEnvironment';
import { measureThreadCpu, type ThreadCpu } from './threadCpu';

const EVENTS_PER_REQUEST = 100;
const CONNECTIONS = 16;
const SECONDS = 6;
const WARMUP_SECONDS = 2;
const AIM_RATE = 20_000;
/** Issue 17: ingest stays >= 80% of raw produce with the idempotent producer. */
const AIM_SHARE = 0.8;

/** Half session touches, half page views: two topics per request, as a browser SDK's batch would be. */
type IncomingEvent = { type: 'session.touched'; key: string; data: { sessionId: string } } | { type: 'page.viewed'; key: string; data: { userId: string; path: string } };
const incomingEvents = (): IncomingEvent[] =>
  Array.from({ length: EVENTS_PER_REQUEST }, (_, i): IncomingEvent => {
    if (i % 2 === 0) {
      const sessionId = `s-${RUN_ID}-${i}`;
      return { type: 'session.touched', key: sessionId, data: { sessionId } };
    }
    const userId = `u-${RUN_ID}-${i}`;
    return { type: 'page.viewed', key: userId, data: { userId, path: `/bench/${i}` } };
  });

/** The same batch as Kafka records, made once: the envelopes ingest-events would make, as bytes, each to its topic. */
function sameBatchAsRecords(): MessageToProduce[] {
  return incomingEvents().map((event) => {
    const envelope = createEnvelope({ type: event.type, version: 1, key: event.key, data: event.data, source: 'triplane/ingest-events' });
    const record = toKafkaMessage(envelope);
    return {
      topic: event.type === 'session.touched' ? 'sessions' : 'activity',
      key: Buffer.from(record.key ?? ''),
      value: Buffer.from(record.value ?? ''),
      headers: new Map(Object.entries(record.headers).map(([name, value]) => [Buffer.from(name), Buffer.from(value)])),
    };
  });
}

/** The raw producer at the same concurrency as autocannon's connections, for `seconds`; returns per-second event rates. */
async function rawProduce(producer: Producer, seconds: number): Promise<{ rates: number[]; total: number }> {
  const messages = sameBatchAsRecords();
  const completions: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        await producer.send({ messages });
        completions.push(performance.now());
      }
    }),
  );
  const counts = new Map<number, number>();
  for (const at of completions) counts.set(Math.floor((at - started) / 1000), (counts.get(Math.floor((at - started) / 1000)) ?? 0) + 1);
  const rates = [...counts.keys()]
    .sort((a, b) => a - b)
    .slice(1, -1)
    .map((s) => (counts.get(s) ?? 0) * EVENTS_PER_REQUEST);
  return { rates, total: completions.length * EVENTS_PER_REQUEST };
}

/**
 * Ingest throughput: POST /events with 100 events per request (session.touched and page.viewed, so two
 * topics), autocannon with 16 connections and no rate limit, answered 202 only once Kafka acknowledged
 * every event with acks=all.
 *
 * triplane: the ingest-events function behind the runtime's own HTTP server (API Gateway payload 2.0,
 * middleware, validation, envelopes, publishToKafka). Only the HTTP server runs here, not the
 * projections: with them running, the figure would mix ingest with the consumers' work on the same two
 * cores, while the baseline has nothing else to do. So the shared runtime is stopped first.
 * Baseline: the client triplane produces with (@platformatic/kafka) used raw, with the same producer
 * settings (idempotent, acks=all), sending the same 100 records (the envelopes ingest-events makes, as
 * bytes made once), 16 sends in flight, for as long. (Until 2026-12-06 the baseline was kafkajs, a
 * slower client than the one ingest uses, which put the ratio above 100%.)
 * The figure is the median of per-second rates (first and last partial seconds dropped).
 */
export async function ingestBenchmark(): Promise<BenchmarkResult> {
  const started = performance.now();
  await stopBenchRuntime();
  // As the runtime runs it: as its own Redis user (runBenchmarks made the users), behind the API key.
  // This process is the function, as one of the runtime's workers would be: its environment, its users.
  const fn = wiredFunction('ingestEvents');
  setEnvironment(functionEnvironment(fn, 'triplane-bench-ingestEvents', childEnvironment()));
  const invoke = loadFunction(PROJECT_ROOT, fn, 'triplane-bench-ingestEvents');
  const failures: string[] = [];
  const { server, url } = await startHttpApiServer([{ method: 'POST', path: '/events', target: { functionName: 'ingestEvents', invoke } }], 0, (_name, error) =>
    failures.push(error instanceof Error ? error.message : String(error)),
  );
  // The wire form has no `key`: ingest-events derives it from the data, as it does for every caller.
  const body = JSON.stringify({ events: incomingEvents().map(({ type, data }) => ({ type, data })) });
  const plan = (durationSeconds: number) => ({ url, method: 'POST' as const, paths: ['/events'], bodies: [body], headers: BENCH_HEADERS, connections: CONNECTIONS, durationSeconds });

  const producer = benchRawProducer('tpbench-ingest-raw');
  let oursRates: number[];
  let oursTotal: number;
  let statusCounts: Record<string, number>;
  let raw: { rates: number[]; total: number };
  let oursCpu: ThreadCpu | undefined;
  let rawCpu: ThreadCpu | undefined;
  try {
    await runLoad(plan(WARMUP_SECONDS));
    const oursMeter = measureThreadCpu();
    const load = await runLoad(plan(SECONDS));
    oursCpu = oursMeter.stop();
    // Only accepted requests count as ingested events (a 503 carries none).
    const okShare = okCount(load) / Math.max(1, load.completedAt.length);
    oursRates = perSecondRates(load, EVENTS_PER_REQUEST).map((rate) => rate * okShare);
    oursTotal = okCount(load) * EVENTS_PER_REQUEST;
    statusCounts = load.statusCounts;
    await rawProduce(producer, WARMUP_SECONDS);
    const rawMeter = measureThreadCpu();
    raw = await rawProduce(producer, SECONDS);
    rawCpu = rawMeter.stop();
  } finally {
    await producer.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await closeKafkaProducer();
  }

  const oursRate = median(oursRates);
  const rawRate = median(raw.rates);
  const ratio = ratioOf(oursRate, rawRate);
  // CPU per event of the thread both sides run on: steadier than the rates on a shared machine, and it
  // says what bounds the figure (the HTTP server, the function and its Kafka client share that thread).
  const perEvent = (cpu: ThreadCpu | undefined, events: number) =>
    cpu === undefined || events === 0 ? undefined : { mainUs: (cpu.mainSeconds * 1e6) / events, otherCores: cpu.otherSeconds / SECONDS };
  const oursPerEvent = perEvent(oursCpu, oursTotal);
  const rawPerEvent = perEvent(rawCpu, raw.total);
  const cpuRows: ResultRow[] =
    oursPerEvent === undefined || rawPerEvent === undefined
      ? []
      : [
          {
            figure: 'main-thread CPU per accepted event (HTTP server, ingest-events and its Kafka client share that thread)',
            value: oursPerEvent.mainUs,
            unit: 'us',
            baseline: rawPerEvent.mainUs,
            baselineLabel: 'the raw client, per record produced',
            ratio: ratioOf(oursPerEvent.mainUs, rawPerEvent.mainUs),
            better: 'lower',
            ratioAs: 'factor',
            aim: 'printed',
          },
        ];
  return {
    name: 'ingest',
    measuredAt: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    rows: [
      {
        figure: `events/s accepted, POST /events x ${EVENTS_PER_REQUEST}, acks=all (median per second)`,
        value: oursRate,
        unit: 'ev/s',
        baseline: rawRate,
        baselineLabel: `raw @platformatic/kafka send of the same ${EVENTS_PER_REQUEST} records (the client ingest uses, idempotent, acks=all), ${CONNECTIONS} in flight`,
        ratio,
        better: 'higher',
        aim: `>= ${AIM_RATE.toLocaleString('en-US')}/s and >= ${AIM_SHARE * 100}%`,
        met: oursRate >= AIM_RATE && ratio >= AIM_SHARE && failures.length === 0,
      },
      ...cpuRows,
    ],
    latencySeries: [],
    notes: [
      `autocannon (worker thread), ${CONNECTIONS} connections, no rate limit, ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up; statuses ${JSON.stringify(statusCounts)}; ${oursTotal.toLocaleString('en-US')} events accepted vs ${raw.total.toLocaleString('en-US')} produced raw. Only the HTTP server and ingest-events run (projections stopped).`,
      ...(oursCpu === undefined || rawCpu === undefined
        ? []
        : [
            `CPU while measured: main thread ${(oursCpu.mainSeconds / SECONDS).toFixed(2)} cores for ingest vs ${(rawCpu.mainSeconds / SECONDS).toFixed(2)} for the raw client; the process's other threads (autocannon's worker, GC helpers, libuv) ${(oursCpu.otherSeconds / SECONDS).toFixed(2)} vs ${(rawCpu.otherSeconds / SECONDS).toFixed(2)} cores.`,
          ]),
      ...(failures.length > 0 ? [`ingest-events failed ${failures.length} times: ${failures[0] ?? ''}`] : []),
    ],
    details: {
      eventsPerRequest: EVENTS_PER_REQUEST,
      connections: CONNECTIONS,
      seconds: SECONDS,
      triplanePerSecond: oursRates,
      rawPerSecond: raw.rates,
      statusCounts,
      failures: failures.slice(0, 5),
      cpu: { triplane: oursCpu, raw: rawCpu },
    },
  };
}
