import './quietSuiteProcess';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../emulator/services/localPaths';
import { closeSharedClients } from '../../shared/clients/sharedClients';
import { freePort } from '../../tools/kafka/freePort';
import { PrivateKafka } from '../../testkit/privateKafka';
import { PrivateRabbitMq } from '../../testkit/privateRabbitMq';
import { PrivateRedis } from '../../testkit/privateRedis';
import { faultSuiteApiKey } from './faultSuiteApiKey';
import { formatTable, writeReport, type SuiteReport } from './resultTable';
import { RuntimeProcess } from './runtimeProcess';
import { runScenario } from './runScenario';
import { SCENARIOS } from './scenarios';
import type { ScenarioResult } from './scenarioResult';
import { suiteSize } from './suiteSize';
import { localConfig, setEnvironment } from '../../emulator/config/localConfig';

/**
 * `npm run test:faults`: drives a mixed load of events and orders through the local runtime while
 * injecting one fault at a time, then all of them at once, and after each run proves (a) the audit
 * archive complete, (b) every accepted event applied exactly once, (c) every order final and charged
 * at most once. Prints a table, writes it to test-artifacts/faults/latest.{json,md}, exits 1 on a FAIL.
 *
 * The system runs as in `npm start`, as a child process, against a Redis, a three-broker Kafka (behind
 * toxiproxy) and a RabbitMQ node of the suite's own, so faults hit only the suite (never the shared
 * servers other work runs on), and a fresh start does not have to read every earlier run's records first.
 */
const RESULTS_DIR = join(PROJECT_ROOT, 'test-artifacts', 'faults');
const KEEP_RUNS = 3;
const SUITE_TIMEOUT_MS = { small: 12 * 60_000, full: 25 * 60_000 } as const;

const startedAt = Date.now();
const log = (line: string) => console.log(`[faults ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${line}`);

async function main(): Promise<number> {
  const size = suiteSize();
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const runDir = join(RESULTS_DIR, 'runs', run);
  mkdirSync(runDir, { recursive: true });
  pruneOldRuns();
  const only = localConfig().FAULTS_ONLY;
  const scenarios = SCENARIOS.filter((s) => only === undefined || only.some((o) => s.name.toLowerCase().includes(o)));
  const guard = setTimeout(() => {
    console.error(`[faults] the suite did not finish within ${SUITE_TIMEOUT_MS[size.name] / 60_000} minutes: giving up (children are killed at exit)`);
    process.exit(2);
  }, SUITE_TIMEOUT_MS[size.name]);
  guard.unref();

  const kafka = new PrivateKafka({ dir: runDir, brokers: 3, proxied: true });
  const rabbitMq = new PrivateRabbitMq(runDir, await freePort(), await freePort(), await freePort());
  const namespace = `tpfaults${run}`;
  const redis = new PrivateRedis(await freePort(), namespace);
  const groupSuffix = `-faults-${run}`;
  const archiveDir = join(runDir, 'archive');
  log(`size ${size.name}, run ${run}: starting a private Kafka (3 brokers behind toxiproxy), Redis and RabbitMQ node`);
  const serversStarted = Date.now();
  await Promise.all([kafka.start(log), redis.start(), rabbitMq.start()]);
  log(`servers ready in ${((Date.now() - serversStarted) / 1000).toFixed(1)} s`);
  // The sandbox providers' ledger (their idempotency records, what they charged, the injected faults) stands for
  // the outside world's books: it stays on the shared Redis, which the suite never restarts. On the private one,
  // "Redis restart" wiped it with triplane's state, so a charge repeated after the wipe counted as the first.
  const sandboxRedisUrl = localConfig().REDIS_URL;
  // The suite process itself runs replays and reads the sandbox ledger: the same places as the runtime, which inherits this environment.
  setEnvironment({
    REDIS_URL: redis.url,
    REDIS_SANDBOX_URL: sandboxRedisUrl,
    TRIPLANE_REDIS_NAMESPACE: namespace,
    KAFKA_BROKERS: kafka.brokers.join(','),
    // Security on, as deployed: the runtime (which inherits this environment) requires this key.
    TRIPLANE_API_KEYS: faultSuiteApiKey,
    // The runtime makes its RabbitMQ users on the suite's own node, through that node's management API.
    RABBITMQ_MANAGEMENT_URL: rabbitMq.managementUrl,
  });
  const runtime = new RuntimeProcess({
    port: await freePort(),
    groupSuffix,
    namespace,
    redisUrl: redis.url,
    rabbitMqUrl: rabbitMq.url,
    archiveDir,
    kafkaBrokers: kafka.brokers,
    logDir: runDir,
  });
  const setup = { run, code: codeVersion(), runDir, redis: redis.url, kafka: kafka.brokers.join(','), rabbitMq: rabbitMq.url, namespace, groupSuffix, archiveDir, runtime: runtime.url };
  const results: ScenarioResult[] = [];
  try {
    log(`system code: ${setup.code}`);
    log(`runtime started in ${((await runtime.start()) / 1000).toFixed(1)} s at ${runtime.url}`);
    for (const [index, scenario] of scenarios.entries()) {
      log(`scenario ${index + 1}/${scenarios.length}: ${scenario.name}`);
      const result = await runScenario(scenario, `${run}-${index + 1}`, { runtime, redis, kafka, rabbitMq, namespace, size, log }, { brokers: kafka.brokers, dir: archiveDir, groupSuffix }).catch(
        (error: unknown): ScenarioResult => harnessFailure(scenario.name, scenario.injectedHow, error),
      );
      results.push(result);
      log(
        `${result.pass ? 'PASS' : 'FAIL'} ${scenario.name} in ${(result.durationMs / 1000).toFixed(1)} s: final ${result.finalOrders}/${result.acceptedOrders}, stuck ${result.stuck}, lost ${result.lost}, doubled ${result.doubled}, charged twice ${result.chargedTwice}, archive gaps ${result.archiveGaps}`,
      );
      if (!runtime.running) {
        log('the runtime is down after the scenario: restarting it for the next one');
        await runtime.start().catch((error: unknown) => log(`restart failed: ${(error as Error).message}`));
      }
    }
  } finally {
    await runtime.stop();
    await closeSharedClients();
    await Promise.all([kafka.stop(), redis.kill(), rabbitMq.stop()]);
  }
  const report: SuiteReport = {
    size: size.name,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
    pass: results.length === scenarios.length && results.every((r) => r.pass),
    setup,
    results,
  };
  writeReport(report, RESULTS_DIR);
  console.log(`\n${formatTable(report)}\n\nwritten to ${join(RESULTS_DIR, 'latest.md')} and latest.json; logs in ${runDir}`);
  return report.pass ? 0 : 1;
}

function harnessFailure(fault: string, injectedHow: string, error: unknown): ScenarioResult {
  return {
    fault,
    injectedHow,
    notes: [],
    load: { events: 0, orders: 0 },
    accepted: 0,
    retriedRequests: 0,
    retriedEvents: 0,
    refusals: {},
    givenUp: 0,
    finalOrders: 0,
    acceptedOrders: 0,
    chargedTwice: 0,
    stuck: 0,
    lost: 0,
    doubled: 0,
    wrongOutcome: 0,
    notInKafka: 0,
    archiveGaps: 0,
    archiveDuplicates: 0,
    parked: 0,
    durationMs: 0,
    pass: false,
    problems: [`harness error: ${(error as Error).stack ?? String(error)}`],
  };
}

/** The commit the system ran at, and whether the runtime's code had uncommitted changes: others edit the tree while suites run. */
function codeVersion(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'emulator', 'tools', 'deploy', 'operations', 'shared', 'functions'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    return dirty === '' ? head : `${head} + uncommitted changes in ${dirty.split('\n').length} files of the code folders`;
  } catch {
    return 'unknown (no git)';
  }
}

/** Each run keeps its runtime logs and archive under runs/; only the last few are kept. */
function pruneOldRuns(): void {
  const runsDir = join(RESULTS_DIR, 'runs');
  const runs = readdirSync(runsDir).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - KEEP_RUNS))) rmSync(join(runsDir, old), { recursive: true, force: true });
}

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[faults] ${(error as Error).stack ?? String(error)}`);
    process.exit(2);
  },
);
