import { injectFailures } from '../../shared/workflow/sandbox/sandboxLedger';
import { addToxic, BUSY_TOPICS, killAndRestartBroker, moveLeaders, partitionBrokerFromClients, removeToxic } from './kafkaFaults';
import type { EventLoadPlan, PlanOptions } from '../../testkit/load/eventLoadPlan';
import type { PrivateKafka } from '../../testkit/privateKafka';
import type { PrivateRabbitMq } from '../../testkit/privateRabbitMq';
import type { PrivateRedis } from '../../testkit/privateRedis';
import { restartRabbitMq } from './rabbitMqRestart';
import { restartRedisAndReplay } from './redisRestart';
import type { RuntimeProcess } from './runtimeProcess';
import type { SuiteSize } from './suiteSize';
import { sleep } from '../../testkit/waitUntil';
import { withTimeout } from '../../testkit/withTimeout';

export interface ScenarioContext {
  runtime: RuntimeProcess;
  redis: PrivateRedis;
  kafka: PrivateKafka;
  rabbitMq: PrivateRabbitMq;
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
  prepare?(context: ScenarioContext, plan: EventLoadPlan): Promise<void>;
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
  const unusableMs = await restartRabbitMq(context.rabbitMq, context.size.outageMs);
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

async function kafkaBrokerKilled(context: ScenarioContext, node: number): Promise<void> {
  const killed = Date.now();
  const result = await withTimeout(killAndRestartBroker(context.kafka, node, context.size.outageMs), RESTART_TIMEOUT_MS, `broker ${node}'s restart`);
  context.note(
    `broker ${node} SIGKILLed, restarted after ${seconds(context.size.outageMs)} (listening in ${seconds(result.restartMs)}), every partition in sync again ${seconds(result.inSyncMs)} after the restart, ` +
      `${result.movedBack} leaders moved back by a preferred election, ${seconds(Date.now() - killed)} in all`,
  );
}

async function kafkaLeaderMoves(context: ScenarioContext, shift: number): Promise<void> {
  const result = await moveLeaders(context.kafka, shift);
  context.note(`${result.moved} of ${result.partitions} partition leaders of ${BUSY_TOPICS.join(', ')} moved (reassignment + preferred election, tools ${seconds(result.toolMs)})`);
}

/** Latency on every broker's proxy, then one broker black-holed: its connections carry nothing and close after 2 s. */
async function kafkaSlowNetwork(context: ScenarioContext, blackHoled: number): Promise<void> {
  const { kafka } = context;
  await addToxic(kafka, kafka.nodeIds, 'latency', { type: 'latency', attributes: { latency: 150, jitter: 50 } });
  context.note('latency 150 ± 50 ms each way on every broker');
  await context.at(0.5);
  await addToxic(kafka, [blackHoled], 'timeout', { type: 'timeout', attributes: { timeout: 2_000 } });
  context.note(`broker ${blackHoled} black-holed (timeout toxic: no data, connections closed after 2 s)`);
  await sleep(context.size.outageMs);
  await removeToxic(kafka, [blackHoled], 'timeout');
  await removeToxic(kafka, kafka.nodeIds, 'latency');
  context.note('toxics removed');
}

/** Every client connection reset (TCP RST) for a second, then one broker unreachable for clients while the cluster still has it leading. */
async function kafkaCutConnections(context: ScenarioContext, unreachable: number): Promise<void> {
  const { kafka } = context;
  await addToxic(kafka, kafka.nodeIds, 'reset', { type: 'reset_peer', attributes: { timeout: 0 } });
  context.note('reset_peer on every broker: connections cut with RST for 1 s');
  await sleep(1_000);
  await removeToxic(kafka, kafka.nodeIds, 'reset');
  await context.at(0.5);
  await partitionBrokerFromClients(kafka, unreachable, context.size.outageMs);
  context.note(`broker ${unreachable} unreachable for clients for ${seconds(context.size.outageMs)} (proxy down; still leader for the cluster), then reachable`);
}

/** A share of the orders fail transiently in one step (payment, inventory or shipping, in turn) before succeeding. */
async function injectStepFailures(plan: EventLoadPlan): Promise<number> {
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
    injectedHow: "rabbitmqctl stop_app of the suite's own RabbitMQ node at 30% of the load, start_app after the outage",
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
    name: 'Kafka broker SIGKILL',
    injectedHow: 'kill -9 of broker 2 (of 3, RF 3, min.insync.replicas 2) at 30% of the load, restarted after the outage, preferred leaders elected once it is in sync',
    async inject(context) {
      await context.at(0.3);
      await kafkaBrokerKilled(context, 2);
    },
  },
  {
    name: 'Kafka leader moves',
    injectedHow: 'ReassignPartitionsCommand rotates the replicas of all 36 partitions of scores, activity and orders at 40% of the load, LeaderElectionCommand PREFERRED moves their leaders',
    async inject(context) {
      await context.at(0.4);
      await kafkaLeaderMoves(context, 1);
    },
  },
  {
    name: 'Kafka latency + timeouts',
    injectedHow: 'toxiproxy: latency 150 ± 50 ms each way on every broker from 20% of the load, broker 1 black-holed (timeout toxic) at 50% for the outage, then removed',
    async inject(context) {
      await context.at(0.2);
      await kafkaSlowNetwork(context, 1);
    },
  },
  {
    name: 'Kafka connections cut',
    injectedHow: 'toxiproxy: reset_peer on every broker for 1 s at 30% of the load, broker 3 unreachable for clients (proxy disabled) at 50% for the outage',
    async inject(context) {
      await context.at(0.3);
      await kafkaCutConnections(context, 3);
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
      'at once: step failures on 30% of orders; latency + broker 2 black-holed at 20%; broker 3 SIGKILLed at 30%; RabbitMQ stop_app at 40%; Redis restart + replay at 55%; leaders moved at 65%; kill -9 of the runtime at 75%, restarted with TRIPLANE_SANDBOX_FAILURE_RATE=0.02',
    mixedLoad: true,
    plan: { failingShare: 0.3, failuresPerOrder: () => 1 },
    async prepare(context, plan) {
      context.note(`${await injectStepFailures(plan)} orders with step failures`);
    },
    async inject(context) {
      // The kill comes last, so every other fault hits a consuming runtime and the kill lands while
      // the system is still recovering from them (retries in delay queues, replayed projections).
      // The leader move waits for the killed broker to be back: a reassignment names all three.
      await Promise.all([
        (async () => {
          await context.at(0.2);
          await kafkaSlowNetwork(context, 2);
        })(),
        (async () => {
          await context.at(0.3);
          await kafkaBrokerKilled(context, 3);
          await context.at(0.65);
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
