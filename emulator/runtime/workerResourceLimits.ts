import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';
import type { Trigger } from '../../shared/routes/functionCatalog';

/**
 * The heap limits of the local runtime's worker threads, by what triggers the function.
 *
 * Batch functions (MSK, RabbitMQ) and the MSK poller thread: a young generation of up to 128 MB
 * instead of V8's 48 MB. A batch's objects live across several awaits (Redis, Kafka, RabbitMQ round
 * trips) while other threads run, and with the default they outlived one or two scavenges and were
 * promoted, so the old generation filled and V8's GC helper threads marked and compacted it: those four
 * threads took about 30% of the runtime process's CPU in the workflow benchmark (per-thread CPU from
 * /proc). On Lambda each function has its own process and its memorySize (512 MB for the workflow
 * steps); here fifteen isolates share two cores, so collection work that a Lambda container spends on
 * its own core slows every other function. The space is only taken by a worker that allocates that
 * fast: idle functions' young generations stay small.
 *
 * HTTP functions keep V8's default, as on Lambda. A request is short-lived, so what the scavenger
 * copies is only what the requests in flight hold, and a larger young generation only made each
 * collection rarer and longer: get-leaderboard at 2,000 requests/s scavenged every ~450 ms for 10-14 ms
 * with 128 MB (about 50 MB allocated and 7 MB copied each time: `--trace-gc-nvp`), every ~110 ms for
 * 4-6 ms with the default. Each such pause holds every request that reaches the worker meanwhile, so a
 * read's p99 is set by the longest pause, not by the total.
 */
export function workerResourceLimits(trigger: Trigger['kind'] | 'poller'): ResourceLimits {
  return trigger === 'http' ? {} : BATCH_WORKER_LIMITS;
}

const BATCH_WORKER_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 128 };

/**
 * The size, in MB, that every worker's new space starts at and never shrinks below (V8's
 * --min-semi-space-size: `new_space` in v8.getHeapSpaceStatistics() then starts at 32 MB instead of 2).
 * V8 grows a new space only after a whole space's worth of objects survived scavenges since the last
 * growth, so under the workflow benchmark a batch worker was still growing it (32, 64, 128 MB as
 * reported) during the first timed passes, promoting what its in-flight batches held meanwhile; the
 * promoted garbage then cost old-generation marking on V8's shared helper threads. Measured
 * (`npm run bench -- workflow`, 6 alternating pairs): the runtime's CPU per order 1.69 -> 1.50 ms median,
 * lower in every pair; and still once the benchmark warms up until its CPU per order stops falling
 * (steady state, when the workers' new spaces had time to grow by themselves): 1.115 -> 1.015 ms median
 * of 4 alternating pairs, lower in each (1.24/1.02, 1.13/1.12, 0.99/0.95, 1.10/1.01), and the warm-up
 * reached steady state in 6-7 passes with the floor against 6-9 without.
 *
 * A V8 flag, so it holds for the whole process, read when an isolate is created: set before the
 * runtime starts its first worker, it applies to every worker after (the runtime's own thread keeps the
 * size it started with; https://nodejs.org/api/v8.html#v8setflagsfromstringflags). V8 caps it at each
 * worker's own maximum: an HTTP function's worker (V8's default limits: 16 MB here) starts at that
 * maximum, the ceiling it grows toward under load. The space is reserved, not resident: a worker's
 * pages are only touched as it allocates (peak RSS of the workflow benchmark +150 MB, 1,467 -> 1,618 MB).
 */
export const NEW_SPACE_FLOOR_MB = 32;

export function raiseNewSpaceFloor(): void {
  setFlagsFromString(`--min-semi-space-size=${NEW_SPACE_FLOOR_MB}`);
}
