import { healKafka } from './kafkaFaults';
import { emptyOutcome, postBatches } from '../../testkit/load/postBatches';
import { planLoad } from '../../testkit/load/eventLoadPlan';
import { ensureRabbitMqRunning } from './rabbitMqRestart';
import { acceptedNotInKafka } from './acceptedNotInKafka';
import { laggingMappings } from './consumerGroupLag';
import { runChecks, summarizeChecks, type ArchiveTarget, type Checks } from './runChecks';
import type { RuntimeProcess } from './runtimeProcess';
import type { Scenario, ScenarioContext } from './scenarios';
import type { ScenarioResult } from './scenarioResult';
import { sleep } from '../../testkit/waitUntil';
import { withTimeout } from '../../testkit/withTimeout';
import { faultSuiteApiKey } from './faultSuiteApiKey';

const INJECTION_TIMEOUT_MS = 240_000;
const HEAL_TIMEOUT_MS = 120_000;
/** POSTs go out about every this many ms: small batches keep requests flowing through short fault windows. */
const POST_INTERVAL_MS = 400;

/**
 * One scenario: plans its load, prepares, posts the load while the fault is injected, heals whatever
 * the fault left broken, then runs the three checks (orders final and charged once, every event
 * applied once, archive complete). A harness error (an injection that threw, a 400) fails the row
 * too, with the error in its problems, so nothing passes by accident.
 *
 * When the checks find the system stuck (something missing and nothing moving), the runtime is
 * restarted cleanly and the checks run again: the row stays FAIL, but the notes then tell "stuck and
 * resumed after a restart" (nothing lost in Kafka) from "lost", and the next scenario starts healthy.
 */
export async function runScenario(scenario: Scenario, tag: string, context: Omit<ScenarioContext, 'at' | 'note'>, archive: ArchiveTarget): Promise<ScenarioResult> {
  const started = Date.now();
  const size = scenario.mixedLoad === true ? context.size.mixed : context.size.single;
  const batchSize = Math.ceil((size.events + size.orders) / Math.max(1, size.durationMs / POST_INTERVAL_MS));
  const plan = planLoad(tag, size, { ...scenario.plan, batchSize });
  const notes: string[] = [];
  const problems: string[] = [];
  // Set when the load starts; the note and at closures read it before then, so it is a let with its start value spelled out.
  let loadStarted: number | undefined = undefined;
  const full: ScenarioContext = {
    ...context,
    note: (text) => {
      notes.push(loadStarted === undefined ? `before the load: ${text}` : `${((Date.now() - loadStarted) / 1000).toFixed(1)} s: ${text}`);
      context.log(`[${scenario.name}] ${text}`);
    },
    at: async (share) => {
      const due = (loadStarted ?? Date.now()) + share * size.durationMs;
      if (due > Date.now()) await sleep(due - Date.now());
    },
  };

  const parkedBefore = await context.rabbitMq.parked().catch(() => 0);
  const crashesBefore = context.runtime.consumerCrashes.length;
  await scenario.prepare?.(full, plan);
  const load = emptyOutcome();
  loadStarted = Date.now();
  // A failed injection (a runtime that did not come back) fails the row: the load stops at once
  // instead of retrying every remaining batch against it for retryForMs each.
  let injectionFailed = false;
  const options = {
    url: context.runtime.url,
    apiKey: faultSuiteApiKey,
    durationMs: size.durationMs,
    concurrency: context.size.concurrency,
    retryForMs: context.size.retryForMs,
    shouldStop: () => injectionFailed || load.harnessErrors.length > 0,
  };
  const [, injection] = await Promise.all([
    postBatches(plan.batches, options, load),
    withTimeout(scenario.inject(full), INJECTION_TIMEOUT_MS, `the ${scenario.name} injection`).then(
      () => undefined,
      (error: unknown) => {
        injectionFailed = true;
        return error as Error;
      },
    ),
  ]);
  if (injection !== undefined) problems.push(`injection failed: ${injection.message}`);
  await heal(full, problems);
  // Session ends only after every start was answered: per key, a client orders its own events.
  await postBatches(plan.closingBatches, { ...options, durationMs: 0 }, load);
  context.log(
    `[${scenario.name}] load done in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s: ${load.accepted.size} accepted, ${load.retriedRequests} retried requests, refusals ${JSON.stringify(load.refusals)}`,
  );
  problems.push(...load.harnessErrors.map((e) => `harness: ${e}`));
  if (load.givenUp.size > 0) problems.push(`${load.givenUp.size} events given up by the client after ${context.size.retryForMs / 1000} s of retries`);

  const checksStarted = Date.now();
  const checks = await runChecks(context.runtime.url, plan, load, archive, context.size.settle);
  context.log(`[${scenario.name}] checks after ${((Date.now() - checksStarted) / 1000).toFixed(1)} s: ${summarizeChecks(checks)}`);
  const atBound = [...checks.orders.problems, ...checks.effects.problems, ...checks.archive.problems];
  let recheck: { checks: Checks; line: string } | undefined;
  if (checks.stuck) {
    const lagging = await laggingMappings(archive.brokers, archive.groupSuffix).catch((error: unknown) => [`(lag unreadable: ${(error as Error).message})`]);
    const stuck = `no progress for ${context.size.settle.stallMs / 1000} s with ${summarizeChecks(checks)}; mappings with lag: ${lagging.join(', ') || 'none'}`;
    notes.push(`after the load: ${stuck}`);
    context.log(`[${scenario.name}] ${stuck}`);
    recheck = await restartAndRecheck(context.runtime, () => runChecks(context.runtime.url, plan, load, archive, context.size.settle));
    if (!recheck.checks.ok) {
      const still = await laggingMappings(archive.brokers, archive.groupSuffix).catch((error: unknown) => [`(lag unreadable: ${(error as Error).message})`]);
      recheck.line += `; mappings with lag: ${still.join(', ') || 'none'}`;
    }
    notes.push(recheck.line);
    context.log(`[${scenario.name}] ${recheck.line}`);
    const still = [...recheck.checks.orders.problems, ...recheck.checks.effects.problems, ...recheck.checks.archive.problems];
    // What is still missing after the restart comes first: that is the loss; the rest had only stalled.
    problems.push(...still.map((p) => `after the restart: ${p}`), ...atBound.slice(0, 4).map((p) => `stalled: ${p}`));
  } else {
    problems.push(...atBound);
  }
  const finalChecks = recheck?.checks ?? checks;
  // Only a complete archive can prove an event absent from Kafka.
  const notInKafka = finalChecks.archive.ok ? await acceptedNotInKafka(archive.dir, load.accepted) : [];
  if (notInKafka.length > 0) {
    problems.unshift(`${notInKafka.length} events answered 202 are not in Kafka (the archive is complete and holds none of them): ${notInKafka.slice(0, 4).join(', ')}`);
  }
  const crashes = context.runtime.consumerCrashes.slice(crashesBefore);
  if (crashes.length > 0) notes.push(`the runtime logged ${crashes.length} Kafka consumer crashes, e.g. ${[...new Set(crashes)].slice(0, 3).join('; ')}`);
  const parked = Math.max(0, (await context.rabbitMq.parked().catch(() => parkedBefore)) - parkedBefore);
  if (parked > 0) problems.push(`${parked} messages parked`);
  if (!context.runtime.running) problems.push('the runtime is not running after the scenario');
  const plannedEvents = plan.batches.reduce((n, b) => n + b.length, 0) + plan.closingBatches.reduce((n, b) => n + b.length, 0);
  const { orders, effects } = checks;
  const last = finalChecks;
  const missingAtBound = orders.lost + effects.lost;
  const missingAtEnd = last.orders.lost + last.effects.lost;
  return {
    fault: scenario.name,
    injectedHow: scenario.injectedHow,
    notes,
    load: { events: plannedEvents - plan.orders.length, orders: plan.orders.length },
    accepted: load.accepted.size,
    retriedRequests: load.retriedRequests,
    retriedEvents: load.retriedEvents,
    refusals: load.refusals,
    givenUp: load.givenUp.size,
    finalOrders: orders.final,
    acceptedOrders: orders.orders,
    chargedTwice: Math.max(orders.chargedTwice, last.orders.chargedTwice),
    stuck: Math.max(0, missingAtBound - missingAtEnd),
    lost: missingAtEnd,
    doubled: Math.max(orders.doubled + effects.doubled, last.orders.doubled + last.effects.doubled),
    wrongOutcome: Math.max(orders.wrongOutcome, last.orders.wrongOutcome),
    notInKafka: notInKafka.length,
    archiveGaps: last.archive.gapOffsets,
    archiveDuplicates: last.archive.duplicateOffsets,
    parked,
    durationMs: Date.now() - started,
    // Parked messages are reported, not judged: an order they belong to that never finished already fails (c).
    pass: checks.ok && notInKafka.length === 0 && injection === undefined && load.harnessErrors.length === 0 && load.givenUp.size === 0 && context.runtime.running,
    problems: problems.slice(0, 20),
  };
}

/**
 * The runtime is restarted (SIGTERM, then start with the same groups) and the checks run again: if
 * everything arrives then, the records were in Kafka all along and only the consumers had stopped.
 */
async function restartAndRecheck(runtime: RuntimeProcess, recheck: () => Promise<Checks>): Promise<{ checks: Checks; line: string }> {
  const started = Date.now();
  await runtime.stop();
  const stopped = Date.now();
  await runtime.start();
  const listening = Date.now();
  const again = await recheck();
  const timing = `stop ${seconds(stopped - started)}, start ${seconds(listening - stopped)}, settled ${seconds(Date.now() - listening)}`;
  return { checks: again, line: `after a runtime restart (${timing}): ${summarizeChecks(again)}${again.ok ? ': nothing was lost in Kafka, the consumers had stopped' : ''}` };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Undoes every fault, whatever the scenario did or failed to do, so the checks and the next scenario see a healthy system. */
async function heal(context: ScenarioContext, problems: string[]): Promise<void> {
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    await withTimeout(fn(), HEAL_TIMEOUT_MS, what).catch((error: unknown) => problems.push(`heal: ${what}: ${(error as Error).message}`));
  };
  await attempt('Kafka faults cleared', () => healKafka(context.kafka, (node) => context.kafka.isRunning(node)));
  await attempt('RabbitMQ running', () => ensureRabbitMqRunning(context.rabbitMq));
  await attempt('Redis running', async () => {
    if (!context.redis.running) await context.redis.start();
  });
  await attempt('runtime running', async () => {
    if (context.runtime.running) return;
    problems.push('the runtime had died during the scenario; restarted');
    await context.runtime.start();
  });
}
