import type { PlannedOrder } from '../../testkit/load/eventLoadPlan';
import { sleep } from '../../testkit/waitUntil';
import { soakTick } from './soakTraffic';

export interface SoakLoadOptions {
  /** The runtime's base URL: always a loopback address here. */
  url: string;
  headers: Record<string, string>;
  tag: string;
  seconds: number;
  eventsPerSecond: number;
  ordersPerSecond: number;
  /** Requests in flight at most: past it a tick is skipped (and counted) rather than queued without bound. */
  maxInFlight: number;
  /** Each accepted order, for the tracker that waits for it to become final. */
  onOrderAccepted: (order: PlannedOrder) => void;
}

/** What the load did so far: the soak prints these every minute and judges them at the end. */
export interface SoakCounters {
  requests: number;
  eventsOffered: number;
  eventsAccepted: number;
  scoresAccepted: number;
  ordersAccepted: number;
  /** Answers by status other than 202 ("conn" for no answer: refused, reset or timed out). */
  refusals: Record<string, number>;
  /** 202 answers that did not list every event of the batch as accepted. */
  partialAccepts: number;
  /** Ticks not sent because `maxInFlight` requests were still waiting: the runtime could not keep up. */
  skippedTicks: number;
}

const TICK_MS = 100;
const REQUEST_TIMEOUT_MS = 15_000;

export const http5xx = (counters: SoakCounters): number => Object.entries(counters.refusals).reduce((n, [status, count]) => (Number(status) >= 500 ? n + count : n), 0);

/**
 * The soak's load: a POST /events every 100 ms with a tenth of a second's events and orders, for
 * `seconds`. Bounded in count (seconds x 10 requests) and in time (each request times out after 15 s,
 * and a tick is skipped while too many are in flight), so a stalled runtime ends the load instead of
 * piling up requests. Refused batches are not retried: the soak expects none, and counts them.
 */
export async function runSoakLoad(options: SoakLoadOptions, counters: SoakCounters = emptyCounters()): Promise<SoakCounters> {
  const ticks = Math.round(options.seconds * (1000 / TICK_MS));
  const eventsPerTick = Math.round((options.eventsPerSecond * TICK_MS) / 1000);
  const ordersPerTick = Math.round((options.ordersPerSecond * TICK_MS) / 1000);
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    const due = started + tick * TICK_MS;
    if (due > performance.now()) await sleep(due - performance.now());
    if (inFlight.size >= options.maxInFlight) {
      counters.skippedTicks++;
      continue;
    }
    const request = postTick(options, counters, tick, eventsPerTick, ordersPerTick).finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return counters;
}

export const emptyCounters = (): SoakCounters => ({
  requests: 0,
  eventsOffered: 0,
  eventsAccepted: 0,
  scoresAccepted: 0,
  ordersAccepted: 0,
  refusals: {},
  partialAccepts: 0,
  skippedTicks: 0,
});

async function postTick(options: SoakLoadOptions, counters: SoakCounters, tick: number, eventsPerTick: number, ordersPerTick: number): Promise<void> {
  const batch = soakTick(options.tag, tick, eventsPerTick, ordersPerTick);
  counters.requests++;
  counters.eventsOffered += batch.events.length;
  let status = 0;
  let text = '';
  try {
    const response = await fetch(`${options.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify({ events: batch.events }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch {
    status = 0;
  }
  if (status !== 202) {
    const label = status === 0 ? 'conn' : String(status);
    counters.refusals[label] = (counters.refusals[label] ?? 0) + 1;
    return;
  }
  const accepted = acceptedIds(text);
  if (batch.events.some((event) => !accepted.has(event.id))) counters.partialAccepts++;
  counters.eventsAccepted += batch.events.filter((event) => accepted.has(event.id) && event.type !== 'order.placed').length;
  // Every score of a batch answered 202 was accepted (a partial answer is counted above and fails the run).
  counters.scoresAccepted += accepted.size === batch.events.length ? batch.scores : 0;
  for (const order of batch.orders) {
    if (!accepted.has(order.eventId)) continue;
    counters.ordersAccepted++;
    options.onOrderAccepted(order);
  }
}

function acceptedIds(text: string): Set<string> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || !('accepted' in parsed) || !Array.isArray(parsed.accepted)) return new Set();
    return new Set(parsed.accepted.flatMap((entry: unknown) => (typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string' ? [entry.id] : [])));
  } catch {
    return new Set();
  }
}
