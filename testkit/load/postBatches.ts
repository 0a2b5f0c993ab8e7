import type { PlannedEvent } from './eventLoadPlan';
import { sleep } from '../waitUntil';

export interface LoadOutcome {
  /** Event ids the runtime answered 202 for. */
  accepted: Set<string>;
  /** Event ids whose batch was still refused when its retry time ran out: maybe stored, maybe not. */
  givenUp: Set<string>;
  requests: number;
  /** Requests that were a retry of a refused or failed one (same events, same ids). */
  retriedRequests: number;
  retriedEvents: number;
  /** Answers that were not 202, by status ("conn" for a connection error or timeout). */
  refusals: Record<string, number>;
  /** A 4xx other than 429: the harness sent something wrong, which is a harness bug, not a fault. */
  harnessErrors: string[];
}

export interface LoadOptions {
  url: string;
  /** Sent as x-api-key: security is on, as deployed. */
  apiKey: string;
  /** The batches are spread evenly over this time, so load is flowing when each fault hits. */
  durationMs: number;
  concurrency: number;
  /** How long one batch may be retried before it is given up (the client's own deadline). */
  retryForMs: number;
  /** Stops taking new batches when set (the scenario hit a harness error). */
  shouldStop?: () => boolean;
}

const REQUEST_TIMEOUT_MS = 15_000;
const FALLBACK_WAIT_MS = 200;
const MAX_RETRY_AFTER_MS = 3_000;

export const emptyOutcome = (): LoadOutcome => ({ accepted: new Set(), givenUp: new Set(), requests: 0, retriedRequests: 0, retriedEvents: 0, refusals: {}, harnessErrors: [] });

/**
 * Posts the batches as a well-behaved client: each batch until it is accepted (202), retrying a 503 or
 * a failed connection with the SAME events and ids after `retry-after` (or 200 ms), for at most
 * `retryForMs`. The contract makes that safe (consumers are idempotent per id), and it is what this
 * suite checks: every accepted event counted once, however often it was sent.
 */
export async function postBatches(batches: PlannedEvent[][], options: LoadOptions, outcome: LoadOutcome = emptyOutcome()): Promise<LoadOutcome> {
  const started = Date.now();
  const interval = batches.length > 0 ? options.durationMs / batches.length : 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (options.shouldStop?.() === true) return;
      const index = next++;
      const batch = batches[index];
      if (batch === undefined) return;
      const due = started + index * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      await postUntilAccepted(batch, options, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, () => worker()));
  return outcome;
}

async function postUntilAccepted(batch: PlannedEvent[], options: LoadOptions, outcome: LoadOutcome): Promise<void> {
  const deadline = Date.now() + options.retryForMs;
  const body = JSON.stringify({ events: batch });
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) {
      outcome.retriedRequests++;
      outcome.retriedEvents += batch.length;
    }
    outcome.requests++;
    const answer = await post(options.url, options.apiKey, body);
    if (answer.status === 202) {
      const ids = new Set(answer.acceptedIds);
      const missing = batch.filter((event) => !ids.has(event.id));
      if (missing.length > 0)
        outcome.harnessErrors.push(
          `202 without ids ${missing
            .slice(0, 3)
            .map((e) => e.id)
            .join(', ')}...`,
        );
      for (const event of batch) if (ids.has(event.id)) outcome.accepted.add(event.id);
      return;
    }
    const label = answer.status === 0 ? 'conn' : String(answer.status);
    outcome.refusals[label] = (outcome.refusals[label] ?? 0) + 1;
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 429) {
      outcome.harnessErrors.push(`${answer.status}: ${answer.text.slice(0, 300)}`);
      return;
    }
    const wait = answer.retryAfterMs ?? FALLBACK_WAIT_MS;
    if (Date.now() + wait > deadline || options.shouldStop?.() === true) {
      for (const event of batch) outcome.givenUp.add(event.id);
      return;
    }
    await sleep(wait);
  }
}

interface Answer {
  status: number;
  acceptedIds: string[];
  retryAfterMs: number | undefined;
  text: string;
}

async function post(url: string, apiKey: string, body: string): Promise<Answer> {
  try {
    const response = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
    return {
      status: response.status,
      acceptedIds: response.status === 202 ? acceptedIdsOf(text) : [],
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(MAX_RETRY_AFTER_MS, retryAfter * 1000) : undefined,
      text,
    };
  } catch {
    // Connection refused (runtime down), reset (killed mid-request) or timed out: the outcome is unknown, so retry.
    return { status: 0, acceptedIds: [], retryAfterMs: undefined, text: '' };
  }
}

function acceptedIdsOf(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || !('accepted' in parsed) || !Array.isArray(parsed.accepted)) return [];
    return parsed.accepted.flatMap((entry: unknown) => (typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string' ? [entry.id] : []));
  } catch {
    return [];
  }
}
