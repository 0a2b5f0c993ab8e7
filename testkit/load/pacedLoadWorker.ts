import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';
import { epochNow, type AutocannonResult } from './autocannonPlan';
import { PACED_STEP_MS, type PacedLoadPlan } from './pacedLoadPlan';

/**
 * Open-loop load at a fixed rate, run in a worker thread: requests are due on an even schedule
 * (`PACED_STEP_MS` steps, rate x step requests each), sent whether or not earlier ones have answered, and each
 * latency is counted from the moment its request was due, not when a connection became free. This is
 * wrk2's way of avoiding coordinated omission: a slow answer cannot hide the requests that queued behind it.
 * Hand-written because autocannon's overallRate is a per-connection budget renewed each second (each
 * second's requests leave in one burst), and no maintained Node load generator paces open-loop.
 */
const plan = workerData as PacedLoadPlan;
const port = parentPort;
if (port === null) throw new Error('pacedLoadWorker must run in a worker thread');

const origin = new URL(plan.url);
const pool = new Pool(origin.origin, { connections: plan.connections, pipelining: 1, keepAliveTimeout: 60_000 });
const latenciesMs: number[] = [];
const completedAt: number[] = [];
const statusCounts: Record<string, number> = {};
let errors = 0;
let sent = 0;

async function send(index: number, dueAt: number, counted: boolean): Promise<void> {
  if (counted) sent++;
  try {
    const response = await pool.request({ method: plan.method, path: plan.paths[index % plan.paths.length] ?? '/', headers: plan.headers ?? {} });
    await response.body.dump();
    if (!counted) return;
    const now = performance.now();
    statusCounts[response.statusCode] = (statusCounts[response.statusCode] ?? 0) + 1;
    completedAt.push(performance.timeOrigin + now);
    if (response.statusCode >= 200 && response.statusCode < 300) latenciesMs.push(now - dueAt);
  } catch {
    if (counted) errors++;
  }
}

/** Sends at the plan's rate for `seconds`; only `counted` requests enter the figures. */
async function pace(seconds: number, counted: boolean): Promise<void> {
  const perStep = (plan.rate * PACED_STEP_MS) / 1000;
  const steps = Math.round((seconds * 1000) / PACED_STEP_MS);
  const inFlight: Array<Promise<void>> = [];
  const t0 = performance.now();
  let owed = 0;
  for (let step = 0; step < steps; step++) {
    const dueAt = t0 + step * PACED_STEP_MS;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Fractional rates carry over, so the average is exact over the run.
    owed += perStep;
    for (; owed >= 1; owed--) inFlight.push(send(index++, dueAt, counted));
  }
  await Promise.all(inFlight);
}

let index = 0;

async function run(): Promise<void> {
  // Warm-up on the same connections and the same JIT-compiled code as the measured part: a fresh
  // worker's first requests would otherwise time connection set-up and compilation.
  await pace(plan.warmupSeconds, false);
  const startedAt = epochNow();
  await pace(plan.durationSeconds, true);
  await pool.close();
  const result: AutocannonResult = { type: 'done', latenciesMs, completedAt, statusCounts, errors, timeouts: 0, sent, startedAt, finishedAt: epochNow() };
  port?.postMessage(result);
}

void run();
