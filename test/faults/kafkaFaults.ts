import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import type { Toxic, ToxiproxyClient } from '../../tools/toxiproxy/toxiproxyClient';
import { LEADER_ELECTION_COMMAND, REASSIGN_PARTITIONS_COMMAND, runKafkaTool } from '../../tools/kafka/kafkaTool';
import { electionTargets, leadersMoved, rotatedReassignment, unhealedPartitions, type PartitionLayout } from './partitionMoves';
import { sleep, waitFor } from '../../testkit/waitUntil';

/** What the faults need of the suite's cluster: its nodes, a way past the proxies, Kafka's tools, and each broker's proxy. */
export interface FaultableKafka {
  readonly nodeIds: readonly number[];
  /** Bootstrap on the brokers' own ports: the suite's admin calls and Kafka's tools are not slowed by the toxics they set. */
  readonly directBootstrap: string;
  readonly toxiproxy: ToxiproxyClient;
  proxyOf(node: number): string;
  /** SIGKILL of one broker's JVM (no shutdown, no controlled leader handover). */
  kill9(node: number): Promise<void>;
  /** Starts a killed broker again on the same data and ports; resolves once it listens. */
  restart(node: number): Promise<void>;
}

export const BUSY_TOPICS = ['scores', 'activity', 'orders'] as const;
const HEAL_TIMEOUT_MS = 90_000;

/** Every partition of `topics` (of every topic but Kafka's own when omitted): leader, replicas, in-sync set. */
export async function describePartitions(kafka: FaultableKafka, topics?: readonly string[]): Promise<PartitionLayout[]> {
  const admin = localKafkaClient(kafka.directBootstrap.split(','), 'triplane-faults-admin').admin();
  try {
    const names = topics ?? (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    const described = await admin.describeTopics(names);
    return described.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr })));
  } finally {
    await admin.close();
  }
}

/**
 * Moves every partition leader of `topics` with Kafka's own tools, as an operator's rebalance does:
 * ReassignPartitionsCommand rotates each replica list by `shift` (same brokers, so nothing is copied and
 * --verify reports it complete at once), then LeaderElectionCommand (PREFERRED) hands each partition to
 * its new first replica. Returns how many leaders moved and what the tools took.
 */
export async function moveLeaders(kafka: FaultableKafka, shift: number, topics: readonly string[] = BUSY_TOPICS): Promise<{ partitions: number; moved: number; toolMs: number }> {
  const before = await describePartitions(kafka, topics);
  const reassignment = rotatedReassignment(before, shift);
  const { directBootstrap: bootstrap } = kafka;
  let toolMs = (await runKafkaTool(REASSIGN_PARTITIONS_COMMAND, bootstrap, ['--reassignment-json-file', '{plan}', '--execute'], { plan: reassignment })).ms;
  await waitFor(
    'the reassignment to complete',
    async () => {
      const verify = await runKafkaTool(REASSIGN_PARTITIONS_COMMAND, bootstrap, ['--reassignment-json-file', '{plan}', '--verify'], { plan: reassignment });
      toolMs += verify.ms;
      return /is still in progress/.test(verify.stdout) ? undefined : true;
    },
    HEAL_TIMEOUT_MS,
    500,
  );
  toolMs += (await runKafkaTool(LEADER_ELECTION_COMMAND, bootstrap, ['--election-type', 'PREFERRED', '--path-to-json-file', '{targets}'], { targets: electionTargets(reassignment.partitions) })).ms;
  const after = await describePartitions(kafka, topics);
  return { partitions: before.length, moved: leadersMoved(before, after), toolMs };
}

/**
 * SIGKILL of one broker, restarted after `downMs`. Its partitions' leadership moves to the survivors
 * once the controller fences it (broker.session.timeout.ms); with replication factor 3 and
 * min.insync.replicas 2 an acks=all produce still succeeds on the two left. After the restart the
 * broker catches up and rejoins every in-sync set; a preferred election then gives it its leaders back
 * (Kafka would do so itself only after leader.imbalance.check.interval.seconds, 5 minutes).
 * Returns when it was back in sync and how many leaders the election moved back.
 */
export async function killAndRestartBroker(kafka: FaultableKafka, node: number, downMs: number): Promise<{ restartMs: number; inSyncMs: number; movedBack: number }> {
  await kafka.kill9(node);
  await sleep(downMs);
  const restarting = Date.now();
  await kafka.restart(node);
  const restartMs = Date.now() - restarting;
  await waitFor(
    `broker ${node} back in every in-sync replica set`,
    async () => ((await describePartitions(kafka)).every((p) => p.isr.length === p.replicas.length) ? true : undefined),
    HEAL_TIMEOUT_MS,
    500,
  );
  const inSyncMs = Date.now() - restarting;
  const before = await describePartitions(kafka);
  await runKafkaTool(LEADER_ELECTION_COMMAND, kafka.directBootstrap, ['--election-type', 'PREFERRED', '--all-topic-partitions']);
  return { restartMs, inSyncMs, movedBack: leadersMoved(before, await describePartitions(kafka)) };
}

/** A toxic on the proxy of each of `nodes` (both directions for latency: a slow network is slow both ways). */
export async function addToxic(kafka: FaultableKafka, nodes: readonly number[], name: string, toxic: Toxic): Promise<void> {
  for (const node of nodes) {
    const proxy = kafka.proxyOf(node);
    if (toxic.type === 'latency') {
      await kafka.toxiproxy.addToxic(proxy, `${name}-up`, toxic, { stream: 'upstream' });
      await kafka.toxiproxy.addToxic(proxy, `${name}-down`, toxic, { stream: 'downstream' });
    } else {
      await kafka.toxiproxy.addToxic(proxy, name, toxic);
    }
  }
}

/**
 * Removes a toxic from each node's proxy. Toxiproxy's DELETE can hang while the toxic's links are busy
 * (Shopify/toxiproxy#558, open; the mixed scenario hit it under latency + a black hole): when it does
 * not answer, the proxy is disabled for a moment, which closes its links (clients reconnect, as after
 * any dropped connection), and the removal is tried again.
 */
export async function removeToxic(kafka: FaultableKafka, nodes: readonly number[], name: string): Promise<void> {
  for (const node of nodes) {
    const proxy = kafka.proxyOf(node);
    for (const toxic of await kafka.toxiproxy.toxics(proxy)) {
      if (toxic !== name && !toxic.startsWith(`${name}-`)) continue;
      try {
        await kafka.toxiproxy.removeToxic(proxy, toxic);
      } catch {
        await kafka.toxiproxy.setEnabled(proxy, false);
        try {
          if ((await kafka.toxiproxy.toxics(proxy)).includes(toxic)) await kafka.toxiproxy.removeToxic(proxy, toxic);
        } finally {
          await kafka.toxiproxy.setEnabled(proxy, true);
        }
      }
    }
  }
}

/** A broker unreachable for clients (its proxy refuses and closes connections) while the cluster still counts it as alive and leading. */
export async function partitionBrokerFromClients(kafka: FaultableKafka, node: number, downMs: number): Promise<void> {
  await kafka.toxiproxy.setEnabled(kafka.proxyOf(node), false);
  try {
    await sleep(downMs);
  } finally {
    await kafka.toxiproxy.setEnabled(kafka.proxyOf(node), true);
  }
}

/**
 * Undoes every Kafka fault: every proxy enabled with no toxic, every broker running, in sync and leading
 * its preferred partitions, so the checks and the next scenario start from the same cluster.
 */
export async function healKafka(kafka: FaultableKafka, isRunning: (node: number) => boolean): Promise<void> {
  await kafka.toxiproxy.reset();
  for (const node of kafka.nodeIds) if (!isRunning(node)) await kafka.restart(node);
  await waitFor('every partition in sync', async () => ((await describePartitions(kafka)).every((p) => p.isr.length === p.replicas.length) ? true : undefined), HEAL_TIMEOUT_MS, 500);
  if (unhealedPartitions(await describePartitions(kafka)).length > 0) {
    await runKafkaTool(LEADER_ELECTION_COMMAND, kafka.directBootstrap, ['--election-type', 'PREFERRED', '--all-topic-partitions']);
  }
}
