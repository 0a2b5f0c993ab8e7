import { join } from 'node:path';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { startKafkaCluster, type KafkaCluster } from '../../tools/kafka/kafkaCluster';
import { readKafkaClusterState } from '../../tools/kafka/kafkaClusterState';
import { kafkaJarsDir } from '../../tools/kafka/kafkaJars';
import { ToxiproxyClient } from '../../tools/toxiproxy/toxiproxyClient';
import { startToxiproxy, type ToxiproxyServer } from '../../tools/toxiproxy/toxiproxyServer';
import { TOPICS } from '../../shared/routes/topics';
import { trackChild, untrackChild } from './childProcesses';
import { freePort } from '../../tools/kafka/freePort';
import type { FaultableKafka } from './kafkaFaults';
import { waitFor } from './waitUntil';

const NODES = [1, 2, 3] as const;
const TOPICS_TIMEOUT_MS = 60_000;

/**
 * A three-node KRaft cluster of the suite's own (tools/kafka's lifecycle: replication factor 3,
 * min.insync.replicas 2, here with the topics of shared/routes/topics.ts) behind toxiproxy: each node advertises its
 * proxy's port, so clients that follow metadata to a partition's leader still go through the proxy and
 * the toxics reach every connection. Replication runs on the nodes' INTERNAL listener, which is also
 * where the suite's admin calls and Kafka's tools connect: the toxics must not slow or cut those.
 * Why not the shared test Kafka: killing or slowing its brokers would break the tests other people run
 * at the same time, and its topics hold every earlier run's records.
 */
export class PrivateKafka implements FaultableKafka {
  readonly nodeIds: readonly number[] = NODES;
  readonly toolsClasspath = join(kafkaJarsDir(), '*');
  private readonly dir: string;
  private cluster: KafkaCluster | undefined;
  private proxyServer: ToxiproxyServer | undefined;
  private client: ToxiproxyClient | undefined;
  private internal = '';
  private readonly pids = new Map<number, number>();

  constructor(runDir: string) {
    this.dir = join(runDir, 'kafka');
  }

  /** Bootstrap through the proxies: what the runtime and the load's clients use. */
  get brokers(): string[] {
    return this.running().brokers;
  }

  get directBootstrap(): string {
    return this.internal;
  }

  get toxiproxy(): ToxiproxyClient {
    if (this.client === undefined) throw new Error('the private Kafka is not running');
    return this.client;
  }

  proxyOf(node: number): string {
    return `kafka-${node}`;
  }

  isRunning(node: number): boolean {
    return this.running().nodes.some((n) => n.nodeId === node && n.pid !== undefined);
  }

  async start(log: (line: string) => void = () => undefined): Promise<void> {
    const ports = new Map<number, { client: number; proxy: number }>();
    for (const node of NODES) ports.set(node, { client: await freePort(), proxy: await freePort() });
    const proxyPort = (node: number) => ports.get(node)?.proxy ?? 0;
    this.proxyServer = await startToxiproxy({ apiPort: await freePort(), logFile: join(this.dir, '..', 'toxiproxy.log'), log });
    trackChild(this.proxyServer.pid, false);
    this.client = new ToxiproxyClient(this.proxyServer.url);
    for (const [node, p] of ports) await this.client.createProxy({ name: this.proxyOf(node), listen: `127.0.0.1:${p.proxy}`, upstream: `127.0.0.1:${p.client}` });
    this.cluster = await startKafkaCluster({
      dir: this.dir,
      brokers: 3,
      ports: NODES.map((node) => ports.get(node)?.client ?? 0),
      advertisedPorts: proxyPort,
      fresh: true,
      log,
      onSpawn: (node, pid) => {
        untrackChild(this.pids.get(node));
        this.pids.set(node, pid);
        trackChild(pid, false);
      },
    });
    const state = readKafkaClusterState(this.dir);
    if (state === undefined) throw new Error(`no cluster state in ${this.dir} after the start`);
    this.internal = state.nodes.map((node) => `127.0.0.1:${node.internalPort}`).join(',');
    await this.createTopics();
  }

  private running(): KafkaCluster {
    if (this.cluster === undefined) throw new Error('the private Kafka is not running');
    return this.cluster;
  }

  private async createTopics(): Promise<void> {
    const admin = localKafkaClient(this.internal.split(','), 'triplane-faults-setup').admin();
    try {
      await admin.createTopics(Object.entries(TOPICS).map(([name, spec]) => ({ name, partitions: spec.partitions, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } })));
      await waitFor(
        'a leader and three in-sync replicas for every partition',
        async () => {
          // A broker the new topic's metadata has not reached yet answers UNKNOWN_TOPIC_OR_PARTITION: ask again.
          const topics = await admin.describeTopics(Object.keys(TOPICS)).catch(() => undefined);
          if (topics === undefined || topics.length < Object.keys(TOPICS).length) return undefined;
          return topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0 && p.isr.length === NODES.length)) ? true : undefined;
        },
        TOPICS_TIMEOUT_MS,
        200,
      );
    } finally {
      await admin.close();
    }
  }

  async kill9(node: number): Promise<void> {
    await this.running().kill(node);
    untrackChild(this.pids.get(node));
    this.pids.delete(node);
  }

  async restart(node: number): Promise<void> {
    await this.running().restart(node);
  }

  async stop(): Promise<void> {
    await this.cluster?.stop();
    for (const pid of this.pids.values()) untrackChild(pid);
    this.pids.clear();
    this.cluster = undefined;
    await this.proxyServer?.stop();
    untrackChild(this.proxyServer?.pid);
    this.proxyServer = undefined;
    this.client = undefined;
  }
}
