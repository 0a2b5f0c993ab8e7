import { injectFailures } from '../../shared/workflow/sandbox/sandboxLedger';
import { bounceBroker, FETCH, injectRequestFaults, moveLeaders, NOT_LEADER_OR_FOLLOWER, PRODUCE } from './kafkaFaults';
import type { LoadPlan, PlanOptions } from './loadPlan';
import type { PrivateKafka } from './privateKafka';
import type { PrivateRedis } from './privateRedis';
import type { PrivateVhost } from './privateVhost';
import { restartRabbitMq } from './rabbitMqRestart';
import { restartRedisAndReplay } from './redisRestart';
import type { RuntimeProcess } from './runtimeProcess';
import type { SuiteSize } from './suiteSize';
import { withTimeout } from './withTimeout';

export interface ScenarioContext {
  runtime: RuntimeProcess;
  redis: PrivateRedis;
  kafka: PrivateKafka;
  vhost: PrivateVhost;
  namespace: string;
  size: SuiteSize;
  /** Resolves once this share (0..1) of the load's duration has passed since the load started. */
  at(share: number): Promise<void>;
  /** Records what was done and when, for the table ("kill -9 at 3.1 s, back after 9.4 s"). */
  note(text: string): void;
  log(line: string): void;
}

export interface Scenario {
  name: string;
  /** How the fault is injected, in a few words; the notes add the measured timings. */
  injectedHow: string;
  mixedLoad?: boolean;
  plan?: PlanOptions;
  /** Before the load starts (e.g. per-order step failures, which must be set before the order is placed). */
  prepare?(context: ScenarioContext, plan: LoadPlan): Promise<void>;
  /** Runs while the load flows. */
  inject(context: ScenarioContext): Promise<void>;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const RESTART_TIMEOUT_MS = 120_000;
const REPLAY_TIMEOUT_MS = 120_000;

async function killAndRestart(context: ScenarioContext, env: Record<string, string> = {}): Promise<void> {
  const killed = Date.now();
  await context.runtime.kill9();
  const startMs = await withTimeout(context.runtime.start(env), RESTART_TIMEOUT_MS, 'the runtime restart');
  context.note(`kill -9, listening again after ${seconds(Date.now() - killed)} (start ${seconds(startMs)})`);
}

async function bounceRabbitMq(context: ScenarioContext): Promise<void> {
  const unusableMs = await restartRabbitMq(context.vhost.url, context.size.outageMs);
  context.note(`stop_app ${seconds(context.size.outageMs)} + start_app, usable after ${seconds(unusableMs)}`);
}

async function bounceRedis(context: ScenarioContext): Promise<void> {
  const result = await withTimeout(
    restartRedisAndReplay(context.redis, context.kafka.brokers, context.namespace, Math.min(2_000, context.size.outageMs), (line) => context.log(line)),
    REPLAY_TIMEOUT_MS,
    'the Redis restart and replay',
  );
  context.note(`Redis down ${seconds(result.downMs)}, replay of ${result.records} records in ${seconds(result.replayMs)}`);
}

async function kafkaBrokerDown(context: ScenarioContext, broker: number): Promise<void> {
  await bounceBroker(context.kafka.control, broker, context.size.outageMs);
  context.note(`broker ${broker} down ${seconds(context.size.outageMs)}, then up`);
}

async function kafkaLeaderMoves(context: ScenarioContext, shift: number): Promise<void> {
  const moved = await moveLeaders(context.kafka.control, context.kafka.brokerCount, shift);
  context.note(`${moved} partition leaders moved`);
}

/** Retriable request errors the consumers and producers survive on their own, plus latency. */
async function kafkaRequestErrors(context: ScenarioContext, rttBroker: number): Promise<void> {
  const { control, brokerCount } = context.kafka;
  const burst = context.size.name === 'small' ? 15 : 40;
  await injectRequestFaults(control, { produceErrors: burst, fetchErrors: burst, rttBroker, rttMs: 200 });
  context.note(`${burst} Produce + ${burst} Fetch REQUEST_TIMED_OUT, rtt 200 ms on broker ${rttBroker}`);
  await context.at(0.6);
  await control.pushRequestErrors(PRODUCE, NOT_LEADER_OR_FOLLOWER, burst);
  context.note(`then ${burst} Produce NOT_LEADER_OR_FOLLOWER`);
  await new Promise((resolve) => setTimeout(resolve, context.size.outageMs));
  for (let broker = 1; broker <= brokerCount; broker++) await control.setRtt(broker, 0);
  await control.clearRequestErrors(PRODUCE);
  await control.clearRequestErrors(FETCH);
  context.note('request errors cleared, rtt 0');
}

/** A share of the orders fail transiently in one step (payment, inventory or shipping, in turn) before succeeding. */
async function injectStepFailures(plan: LoadPlan): Promise<number> {
  const failing = plan.orders.filter((order) => order.failures !== undefined);
  for (const order of failing) if (order.failures !== undefined) await injectFailures(order.failures.service, order.orderId, order.failures.count);
  return failing.length;
}

/** Each fault alone, then all of them at once. Order matters only for time: the mixed one comes last. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'runtime SIGKILL',
    injectedHow: 'kill -9 of the runtime process group mid-batch at 40% of the load, restarted with the same consumer groups',
    async inject(context) {
      await context.at(0.4);
      await killAndRestart(context);
    },
  },
  {
    name: 'RabbitMQ restart',
    injectedHow: 'rabbitmqctl stop_app at 30% of the load, start_app after the outage',
    async inject(context) {
      await context.at(0.3);
      await bounceRabbitMq(context);
    },
  },
  {
    name: 'Redis restart + replay',
    injectedHow: 'private redis-server SIGKILLed at 30% of the load (all keys lost), started empty, replayProjections(all) from Kafka',
    async inject(context) {
      await context.at(0.3);
      await bounceRedis(context);
    },
  },
  {
    name: 'Kafka broker down',
    injectedHow: 'brokerDown(2) at 30% of the load for the outage (its partitions have no leader), then brokerUp',
    async inject(context) {
      await context.at(0.3);
      await kafkaBrokerDown(context, 2);
    },
  },
  {
    name: 'Kafka leader moves',
    injectedHow: 'moveLeader on all 36 partitions of scores, activity and orders at 40% of the load (a controller failover)',
    async inject(context) {
      await context.at(0.4);
      await kafkaLeaderMoves(context, 1);
    },
  },
  {
    name: 'Kafka request errors + latency',
    injectedHow: 'pushRequestErrors Produce(7) and Fetch(7) at 20%, setRtt(1, 200 ms), Produce(6) at 60%, then cleared',
    async inject(context) {
      await context.at(0.2);
      await kafkaRequestErrors(context, 1);
    },
  },
  {
    name: 'Kafka Fetch NOT_LEADER',
    injectedHow: 'pushRequestErrors Fetch(6 NOT_LEADER_OR_FOLLOWER) x15 at 40% of the load, what consumers see right after a leader move',
    async inject(context) {
      await context.at(0.4);
      await context.kafka.control.pushRequestErrors(FETCH, NOT_LEADER_OR_FOLLOWER, 15);
      context.note('15 Fetch NOT_LEADER_OR_FOLLOWER queued');
      await new Promise((resolve) => setTimeout(resolve, context.size.outageMs));
      await context.kafka.control.clearRequestErrors(FETCH);
    },
  },
  {
    name: 'workflow step failures',
    injectedHow: 'injectFailures(payment|inventory|shipping, order, 1 or 2) on 40% of the orders before they are placed',
    plan: { failingShare: 0.4, failuresPerOrder: (i) => 1 + (i % 2) },
    async prepare(context, plan) {
      context.note(`${await injectStepFailures(plan)} orders with step failures`);
    },
    async inject() {
      // The failures were set in prepare: they fire as the orders reach their steps.
    },
  },
  {
    name: 'mixed',
    injectedHow:
      'at once: step failures on 30% of orders; Kafka request errors + rtt at 20%; broker 3 down at 30%; partition leaders moved at 35%; RabbitMQ stop_app at 40%; Redis restart + replay at 55%; kill -9 at 75%, restarted with TRIPLANE_SANDBOX_FAILURE_RATE=0.02',
    mixedLoad: true,
    plan: { failingShare: 0.3, failuresPerOrder: () => 1 },
    async prepare(context, plan) {
      context.note(`${await injectStepFailures(plan)} orders with step failures`);
    },
    async inject(context) {
      // The kill comes last, so every other fault hits a consuming runtime and the kill lands while
      // the system is still recovering from them (retries in delay queues, replayed projections).
      await Promise.all([
        (async () => {
          await context.at(0.2);
          await kafkaRequestErrors(context, 2);
        })(),
        (async () => {
          await context.at(0.3);
          await kafkaBrokerDown(context, 3);
        })(),
        (async () => {
          await context.at(0.35);
          await kafkaLeaderMoves(context, 2);
        })(),
        (async () => {
          await context.at(0.4);
          await bounceRabbitMq(context);
        })(),
        (async () => {
          await context.at(0.55);
          await bounceRedis(context);
        })(),
        (async () => {
          await context.at(0.75);
          await killAndRestart(context, { TRIPLANE_SANDBOX_FAILURE_RATE: '0.02' });
        })(),
      ]);
    },
  },
];
