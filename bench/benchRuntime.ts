import { readServerlessWiring } from '../emulator/runtime/serverlessFunctions';
import { subscriptionsOf } from '../shared/routes/functionCatalog';
import { startLocalRuntime, type LocalRuntime } from '../emulator/runtime/startLocalRuntime';
import { PROJECT_ROOT } from '../emulator/services/localPaths';
import { consumerLag, groupsNotJoined } from './benchKafka';
import { progress, RUN_ID } from './benchRun';
import { sleep } from '../testkit/waitUntil';

export interface BenchRuntime {
  runtime: LocalRuntime;
  /** startLocalRuntime until it listened, every consumer group joined (each mapping's first consumer resolves once it joined). */
  startSeconds: number;
  /** Then until every group had caught up with what its topic already held. */
  catchUpSeconds: number;
  /** Lines the runtime logged (failed invocations would show here). */
  log: string[];
}

const GROUP_SUFFIX = `-tpbench-${RUN_ID}`;
const CATCH_UP_TIMEOUT_MS = 180_000;

let shared: Promise<BenchRuntime> | undefined;

/** Every MSK consumer group the runtime runs, as startLocalRuntime names them. */
export function runtimeGroups(suffix = GROUP_SUFFIX): Array<{ groupId: string; topic: string }> {
  const wiring = readServerlessWiring(PROJECT_ROOT);
  return wiring.functions.flatMap((fn) => subscriptionsOf(fn).map((msk) => ({ groupId: `${msk.consumerGroupId}${suffix}`, topic: msk.topic })));
}

/** Waits until every group of the runtime has joined and none has records left to read; returns the seconds it took. */
export async function waitForCatchUp(suffix = GROUP_SUFFIX, timeoutMs = CATCH_UP_TIMEOUT_MS): Promise<number> {
  const started = performance.now();
  const groups = runtimeGroups(suffix);
  const groupIds = [...new Set(groups.map((group) => group.groupId))];
  let reported = 0;
  for (;;) {
    const lag = await consumerLag(groups);
    const joining = lag === 0 ? await groupsNotJoined(groupIds) : [];
    if (lag === 0 && joining.length === 0) return (performance.now() - started) / 1000;
    const left = lag > 0 ? `${lag.toLocaleString('en-US')} records left to read` : `groups still joining: ${joining.join(', ')}`;
    if (performance.now() - reported > 5_000) {
      progress(`runtime catching up with the topics: ${left}`);
      reported = performance.now();
    }
    if (performance.now() - started > timeoutMs) throw new Error(`the runtime had not caught up after ${timeoutMs / 1000} s: ${left}`);
    await sleep(250);
  }
}

/**
 * The local runtime the HTTP benchmarks share, started once per process. Once only, because stopping
 * it closes the process-wide Redis client that handler modules captured at load (batchHandler builds
 * its idempotency store with redisClient() at module scope), so a second runtime in the same process
 * would run on a closed connection. Fresh consumer groups read every topic from the start, so before
 * anything is timed it waits until they caught up: a backlog (an earlier ingest run's records) would
 * otherwise compete for the CPU with what is measured.
 */
export function benchRuntime(): Promise<BenchRuntime> {
  shared ??= (async () => {
    const log: string[] = [];
    const started = performance.now();
    progress('starting the local runtime');
    const runtime = await startLocalRuntime({ port: 0, groupIdSuffix: GROUP_SUFFIX, log: (line) => log.push(line) });
    const startSeconds = (performance.now() - started) / 1000;
    progress(`runtime listening at ${runtime.url} after ${startSeconds.toFixed(1)} s`);
    const catchUpSeconds = await waitForCatchUp();
    return { runtime, startSeconds, catchUpSeconds, log };
  })();
  return shared;
}

export async function stopBenchRuntime(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current !== undefined) await (await current.catch(() => undefined))?.runtime.stop();
}

/** Runtime log lines reporting failures, for a benchmark's notes: a failing batch makes any figure suspect. */
export const runtimeFailures = (runtime: BenchRuntime, from = 0): string[] => runtime.log.slice(from).filter((line) => line.includes('failed'));
