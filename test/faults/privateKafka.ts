import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ToxiproxyClient } from '../../local/toxiproxy/toxiproxyClient';
import { startToxiproxy, type ToxiproxyServer } from '../../local/toxiproxy/toxiproxyServer';
import { portOpen } from '../../local/services/portOpen';
import { TOPICS } from '../../shared/routes/topics';
import { trackChild, untrackChild } from './childProcesses';
import { freePort } from './freePort';
import type { FaultableKafka } from './kafkaFaults';
import { waitFor } from './waitUntil';

const NODES = [1, 2, 3] as const;
const START_TIMEOUT_MS = 90_000;
/** Kafka 4.1.1's jars (kafka-tools among them). */
const KAFKA_LIBS = process.env.TRIPLANE_KAFKA_LIBS ?? '/tmp/kpom/libs';

interface NodePorts {
  client: number;
  internal: number;
  controller: number;
  proxy: number;
}

/**
 * A three-broker KRaft cluster of the suite's own (each node broker and controller, replication
 * factor 3, min.insync.replicas 2, the manifest's topics) behind toxiproxy: every broker's client
 * listener is advertised on its proxy's port, so clients that follow metadata to a partition's leader
 * still go through the proxy, and the toxics reach every connection. A second listener (INTERNAL),
 * advertised on the brokers' own ports, carries replication and the suite's admin calls and tools,
 * which the toxics must not slow. Why not the shared test Kafka: killing or slowing its brokers would
 * break the tests other people run at the same time, and its topics hold every earlier run's records.
 */
export class PrivateKafka implements FaultableKafka {
  readonly nodeIds: readonly number[] = NODES;
  readonly toolsClasspath = `${KAFKA_LIBS}/*`;
  private readonly dir: string;
  private ports = new Map<number, NodePorts>();
  private processes = new Map<number, ChildProcess>();
  private proxyServer: ToxiproxyServer | undefined;
  private client: ToxiproxyClient | undefined;

  constructor(runDir: string) {
    this.dir = join(runDir, 'kafka');
  }

  /** Bootstrap through the proxies: what the runtime and the load's clients use. */
  get brokers(): string[] {
    return [...this.ports.values()].map((p) => `127.0.0.1:${p.proxy}`);
  }

  get directBootstrap(): string {
    return [...this.ports.values()].map((p) => `127.0.0.1:${p.internal}`).join(',');
  }

  get toxiproxy(): ToxiproxyClient {
    if (this.client === undefined) throw new Error('the private Kafka is not running');
    return this.client;
  }

  proxyOf(node: number): string {
    return `kafka-${node}`;
  }

  isRunning(node: number): boolean {
    const child = this.processes.get(node);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async start(log: (line: string) => void = () => undefined): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    for (const node of NODES) this.ports.set(node, { client: await freePort(), internal: await freePort(), controller: await freePort(), proxy: await freePort() });
    this.proxyServer = await startToxiproxy({ apiPort: await freePort(), logFile: join(this.dir, 'toxiproxy.log'), log });
    trackChild(this.proxyServer.pid, false);
    this.client = new ToxiproxyClient(this.proxyServer.url);
    for (const [node, ports] of this.ports) await this.client.createProxy({ name: this.proxyOf(node), listen: `127.0.0.1:${ports.proxy}`, upstream: `127.0.0.1:${ports.client}` });
    const clusterId = await this.tool('kafka.tools.StorageTool', ['random-uuid']);
    await Promise.all(
      NODES.map(async (node) => {
        writeFileSync(this.configOf(node), this.config(node));
        await this.tool('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', this.configOf(node)]);
      }),
    );
    await Promise.all(NODES.map((node) => this.restart(node)));
    await this.createTopics();
  }

  private configOf(node: number): string {
    return join(this.dir, `node-${node}.properties`);
  }

  private portsOf(node: number): NodePorts {
    const ports = this.ports.get(node);
    if (ports === undefined) throw new Error(`no node ${node}`);
    return ports;
  }

  private config(node: number): string {
    const ports = this.portsOf(node);
    const voters = NODES.map((n) => `${n}@127.0.0.1:${this.portsOf(n).controller}`).join(',');
    return [
      'process.roles=broker,controller',
      `node.id=${node}`,
      `controller.quorum.voters=${voters}`,
      `listeners=CLIENT://127.0.0.1:${ports.client},INTERNAL://127.0.0.1:${ports.internal},CONTROLLER://127.0.0.1:${ports.controller}`,
      `advertised.listeners=CLIENT://127.0.0.1:${ports.proxy},INTERNAL://127.0.0.1:${ports.internal}`,
      'listener.security.protocol.map=CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=INTERNAL',
      'controller.listener.names=CONTROLLER',
      `log.dirs=${join(this.dir, `data-${node}`)}`,
      'default.replication.factor=3',
      'min.insync.replicas=2',
      'offsets.topic.replication.factor=3',
      'transaction.state.log.replication.factor=3',
      'transaction.state.log.min.isr=2',
      'auto.create.topics.enable=false',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n');
  }

  private async createTopics(): Promise<void> {
    const admin = new Kafka({ clientId: 'triplane-faults-setup', brokers: this.directBootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await waitFor('three brokers registered', async () => ((await admin.describeCluster()).brokers.length === NODES.length ? true : undefined), START_TIMEOUT_MS, 200);
      await admin.createTopics({
        waitForLeaders: true,
        topics: Object.entries(TOPICS).map(([topic, spec]) => ({ topic, numPartitions: spec.partitions, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  private tool(className: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('java', ['-Xmx128m', '-cp', this.toolsClasspath, className, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('exit', (code) => {
        const text = out.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('SLF4J')).join('\n').trim();
        if (code === 0) resolve(text);
        else reject(new Error(`${className} ${args.join(' ')} exited with ${code}: ${text}`));
      });
    });
  }

  async kill9(node: number): Promise<void> {
    const child = this.processes.get(node);
    if (child === undefined || !this.isRunning(node)) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    untrackChild(child.pid);
  }

  async restart(node: number): Promise<void> {
    if (this.isRunning(node)) return;
    const out = openSync(join(this.dir, `node-${node}.log`), 'a');
    // 512 MB each: three brokers, the runtime, Redis and RabbitMQ share the 2-core machine.
    const child = spawn('java', ['-Xms256m', '-Xmx512m', '-cp', this.toolsClasspath, 'kafka.Kafka', this.configOf(node)], { stdio: ['ignore', out, out] });
    this.processes.set(node, child);
    trackChild(child.pid, false);
    const { client } = this.portsOf(node);
    await waitFor(
      `broker ${node} on port ${client}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`broker ${node} exited with ${child.exitCode} (log: ${join(this.dir, `node-${node}.log`)})`);
        return (await portOpen(client)) ? true : undefined;
      },
      START_TIMEOUT_MS,
      100,
    );
  }

  async stop(): Promise<void> {
    for (const node of NODES) await this.kill9(node);
    await this.proxyServer?.stop();
    untrackChild(this.proxyServer?.pid);
    this.proxyServer = undefined;
    this.client = undefined;
  }
}
