import type { ResourceLimits } from 'node:worker_threads';

/**
 * The heap limits of the local runtime's worker threads (each function's worker, the MSK poller thread).
 * Their young generation may grow to 128 MB instead of V8's 48 MB: a batch's objects live across
 * several awaits (Redis, Kafka, RabbitMQ round trips) while other threads run, and with the default
 * they outlived one or two scavenges and were promoted, so the old generation filled and V8's GC helper
 * threads marked and compacted it: those four threads took about 30% of the runtime process's CPU in
 * the workflow benchmark (per-thread CPU from /proc). On Lambda each function has its own process and
 * its memorySize (512 MB for the workflow steps); here fifteen isolates share two cores, so collection
 * work that a Lambda container spends on its own core slows every other function. The space is only
 * taken by a worker that allocates that fast: idle functions' young generations stay small.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 128 };
