import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaTopics } from '../tools/kafka/ensureKafkaTopics';
import { freePort } from '../tools/kafka/freePort';
import { startKafkaCluster, type KafkaCluster } from '../tools/kafka/kafkaCluster';
import { ToxiproxyClient } from '../tools/toxiproxy/toxiproxyClient';
import { startToxiproxy, type ToxiproxyServer } from '../tools/toxiproxy/toxiproxyServer';
import { trackChild, untrackChild } from './childProcesses';

const TOPICS_TIMEOUT_MS = 60_000;

export interface PrivateKafkaOptions {
  /** The run's folder (the cluster's in kafka/ when proxied, beside toxiproxy.log); a temporary one, removed by stop, when absent. */
  dir?: string;
  brokers: 1 | 3;
  /** One toxiproxy proxy in front of each node, which the node advertises (the fault suite's toxics). */
  proxied: boolean;
}

/**
 * A Kafka of a test run's or benchmark run's own, from empty storage, with the topics of shared/routes/topics.ts, on
 * tools/kafka's lifecycle; its JVMs are killed if the process dies before stop (childProcesses.ts).
 *
 * - The fault suite's: three nodes (replication factor 3, min.insync.replicas 2, the brokers' defaults
 *   for three) behind toxiproxy. Each node advertises its proxy's port, so clients that follow metadata
 *   to a partition's leader still go through the proxy and the toxics reach every connection.
 *   Replication runs on the nodes' INTERNAL listener, which is also where admin calls and Kafka's tools
 *   connect (`internalBootstrap`): the toxics must not slow or cut those. Killing or slowing the shared
 *   test Kafka's brokers would break the tests other people run meanwhile, and its topics hold every
 *   earlier run's records.
 * - The benchmarks': one combined node as `npm start` runs (three JVMs on the two cores would measure
 *   their contention, not the system), no proxy. A few hundred thousand records per run would otherwise
 *   stay in the test profile's topics, and every fresh consumer group (a test runtime, a replay) would
 *   read them all from the start.
 */
export class PrivateKafka {
  readonly nodeIds: readonly number[];
  private readonly dir: string;
  private readonly ownsDir: boolean;
  private cluster: KafkaCluster | undefined;
  private proxyServer: ToxiproxyServer | undefined;
  private client: ToxiproxyClient | undefined;
  private readonly pids = new Map<number, number>();

  constructor(private readonly options: PrivateKafkaOptions) {
    this.nodeIds = Array.from({ length: options.brokers }, (_, index) => index + 1);
    this.ownsDir = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), 'triplane-kafka-'));
  }

  /** The advertised bootstrap (through the proxies when proxied): what the runtime and the load's clients use. */
  get brokers(): string[] {
    return this.running().brokers;
  }

  get bootstrap(): string {
    return this.running().bootstrap;
  }

  /** The nodes' INTERNAL listeners, never behind a proxy: for admin calls and Kafka's tools. */
  get directBootstrap(): string {
    return this.running().internalBootstrap;
  }

  get toxiproxy(): ToxiproxyClient {
    if (this.client === undefined) throw new Error('the private Kafka runs without toxiproxy, or is not running');
    return this.client;
  }

  proxyOf(node: number): string {
    return `kafka-${node}`;
  }

  isRunning(node: number): boolean {
    return this.running().nodes.some((n) => n.nodeId === node && n.pid !== undefined);
  }

  async start(log: (line: string) => void = () => undefined): Promise<void> {
    const clientPorts = new Map<number, number>();
    const proxyPorts = new Map<number, number>();
    if (this.options.proxied) {
      for (const node of this.nodeIds) {
        clientPorts.set(node, await freePort());
        proxyPorts.set(node, await freePort());
      }
      this.proxyServer = await startToxiproxy({ apiPort: await freePort(), logFile: join(this.dir, 'toxiproxy.log'), log });
      trackChild(this.proxyServer.pid, false);
      this.client = new ToxiproxyClient(this.proxyServer.url);
      for (const [node, port] of proxyPorts) await this.client.createProxy({ name: this.proxyOf(node), listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${clientPorts.get(node) ?? 0}` });
    }
    this.cluster = await startKafkaCluster({
      dir: this.options.proxied ? join(this.dir, 'kafka') : this.dir,
      brokers: this.options.brokers,
      ...(this.options.proxied ? { ports: this.nodeIds.map((node) => clientPorts.get(node) ?? 0), advertisedPorts: (node: number) => proxyPorts.get(node) ?? 0 } : {}),
      fresh: true,
      log,
      onSpawn: (node, pid) => {
        untrackChild(this.pids.get(node));
        this.pids.set(node, pid);
        trackChild(pid, false);
      },
    });
    await ensureKafkaTopics(this.cluster.internalBootstrap.split(','), { inSyncReplicas: this.nodeIds.length, timeoutMs: TOPICS_TIMEOUT_MS });
  }

  private running(): KafkaCluster {
    if (this.cluster === undefined) throw new Error('the private Kafka is not running');
    return this.cluster;
  }

  /** SIGKILL of one broker's JVM (no shutdown, no controlled leader handover). */
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
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
