import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localKafkaClient } from '../../shared/kafka/kafkaClient';
import { portOpen } from '../../emulator/services/portOpen';
import { freePort } from './freePort';
import { ensureKafkaJars, kafkaVersion } from './kafkaJars';
import { kafkaNodeProperties, type KafkaNodePorts } from './kafkaNodeProperties';
import { readKafkaClusterState, writeKafkaClusterState, type KafkaClusterState, type KafkaNodeState } from './kafkaClusterState';
import { processAlive } from './processAlive';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface KafkaClusterOptions {
  /** The cluster's folder: state file, each node's config, data and logs. Reused across starts. */
  dir: string;
  brokers: 1 | 3;
  /** Client ports per node, in node order; free ports are chosen (once, then kept in the state file) when absent. */
  ports?: readonly number[];
  /** What each node advertises to clients, e.g. a TCP proxy's port in front of it; its own port when absent. */
  advertisedPorts?: (nodeId: number) => number;
  /** Heap per node; sized so three nodes, Redis, RabbitMQ and the runtime fit the 2-core, 24 GB machine. */
  heapMb?: number;
  /** Start from empty storage (no topics, no groups, no records), wiping what the folder held. */
  fresh?: boolean;
  log?: (message: string) => void;
  /** Told each node's pid when it is spawned (the fault suite kills what it spawned when it exits). */
  onSpawn?: (nodeId: number, pid: number) => void;
}

export interface KafkaNode {
  nodeId: number;
  port: number;
  advertisedPort: number;
  /** undefined while the node is killed. */
  pid: number | undefined;
  logFile: string;
}

export interface KafkaCluster {
  readonly dir: string;
  /** Comma-separated host:port of every node, as advertised: what KAFKA_BROKERS and kafka.json hold. */
  readonly bootstrap: string;
  readonly brokers: string[];
  /**
   * Comma-separated host:port of every node's INTERNAL listener (replication's): never behind a proxy
   * the advertised ports may point at, so admin calls and Kafka's tools (kafkaTool.ts) reach the nodes
   * whatever is done to the client path.
   */
  readonly internalBootstrap: string;
  readonly nodes: readonly KafkaNode[];
  /** SIGKILL one node: no controlled shutdown, as a crashed machine. Resolves once the process is gone. */
  kill(nodeId: number): Promise<void>;
  /** Starts a killed (or stopped) node again on the same ports and storage; resolves once it serves. */
  restart(nodeId: number): Promise<void>;
  /** Stops every node (SIGTERM, SIGKILL after a grace period); the storage stays for the next start. */
  stop(): Promise<void>;
}

const nodeDir = (dir: string, nodeId: number) => join(dir, `node-${nodeId}`);
const propertiesFile = (dir: string, nodeId: number) => join(nodeDir(dir, nodeId), 'server.properties');
const logFileOf = (dir: string, nodeId: number) => join(nodeDir(dir, nodeId), 'server.log');

/** Kafka's own cluster ids are 16 random bytes in URL-safe base64; it refuses ones starting with '-' on its command line. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * JVM settings for a node that starts in about 1.5 s: the C1 compiler only (a broker's hot loops are
 * network and disk bound; C2's warm-up costs seconds of the two cores at start), G1 with a small pause
 * goal, a heap that is allocated as used.
 */
const jvmArguments = (dir: string, nodeId: number, heapMb: number, jars: string): string[] => [
  `-Xms${Math.min(256, heapMb)}m`,
  `-Xmx${heapMb}m`,
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
  `-Dorg.slf4j.simpleLogger.logFile=${logFileOf(dir, nodeId)}`,
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
  '-Dorg.slf4j.simpleLogger.showDateTime=true',
  "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
  '-cp',
  join(jars, '*'),
];

function nodeAlive(dir: string, node: KafkaNodeState): boolean {
  return node.pid !== undefined && processAlive(node.pid, propertiesFile(dir, node.nodeId));
}

/** The cluster of `dir` when every node's process is alive and its port answers; undefined otherwise. */
export async function runningKafkaCluster(dir: string, log: (message: string) => void = () => undefined): Promise<KafkaCluster | undefined> {
  const state = readKafkaClusterState(dir);
  if (state === undefined) return undefined;
  for (const node of state.nodes) {
    if (!nodeAlive(dir, node) || !(await portOpen(node.port))) return undefined;
  }
  return new LocalKafkaCluster(dir, state, ensureKafkaJars(log), 0, log, undefined);
}

/**
 * Starts the Kafka cluster of `dir`, or returns it when it already runs. The first start chooses the
 * ports (free ones unless given), formats each node's storage and keeps a pristine copy of it, so a
 * `fresh` start is a copy of a few kilobytes instead of a storage format (1.2 s of JVM per node).
 */
export async function startKafkaCluster(options: KafkaClusterOptions): Promise<KafkaCluster> {
  const log = options.log ?? (() => undefined);
  const heapMb = options.heapMb ?? (options.brokers === 1 ? 1024 : 768);
  const { dir } = options;
  if (!options.fresh) {
    const running = await runningKafkaCluster(dir, log);
    if (running !== undefined && running.nodes.length === options.brokers && sameAdvertising(running, options)) return running;
  }
  await stopKafkaCluster(dir, { graceMs: options.fresh ? 0 : 10_000 });
  const jars = ensureKafkaJars(log);
  mkdirSync(dir, { recursive: true });
  let state = readKafkaClusterState(dir);
  if (state === undefined || state.nodes.length !== options.brokers || state.kafkaVersion !== kafkaVersion() || options.ports !== undefined) {
    state = await newClusterState(options);
    rmSync(join(dir, 'pristine'), { recursive: true, force: true });
  }
  state = {
    ...state,
    nodes: state.nodes.map((node) => ({ ...node, advertisedPort: options.advertisedPorts?.(node.nodeId) ?? node.port, pid: undefined })),
  };
  state = { ...state, bootstrap: state.nodes.map((node) => `127.0.0.1:${node.advertisedPort}`).join(',') };
  for (const node of state.nodes) {
    mkdirSync(nodeDir(dir, node.nodeId), { recursive: true });
    writeFileSync(propertiesFile(dir, node.nodeId), kafkaNodeProperties({ node, nodes: state.nodes, logDir: join(nodeDir(dir, node.nodeId), 'data') }));
  }
  if (!existsSync(join(dir, 'pristine', '.complete'))) await formatStorage(dir, state, jars);
  for (const node of state.nodes) {
    const data = join(nodeDir(dir, node.nodeId), 'data');
    if (options.fresh || !existsSync(join(data, 'meta.properties'))) {
      rmSync(data, { recursive: true, force: true });
      cpSync(join(dir, 'pristine', `node-${node.nodeId}`), data, { recursive: true });
    }
  }
  writeKafkaClusterState(dir, state);
  const cluster = new LocalKafkaCluster(dir, state, jars, heapMb, log, options.onSpawn);
  await cluster.startAll();
  return cluster;
}

function sameAdvertising(cluster: KafkaCluster, options: KafkaClusterOptions): boolean {
  return cluster.nodes.every((node, index) => (options.advertisedPorts?.(node.nodeId) ?? node.port) === node.advertisedPort && (options.ports?.[index] ?? node.port) === node.port);
}

async function newClusterState(options: KafkaClusterOptions): Promise<KafkaClusterState> {
  const nodes: KafkaNodePorts[] = [];
  for (let index = 0; index < options.brokers; index += 1) {
    const port = options.ports?.[index] ?? (await freePort());
    nodes.push({ nodeId: index + 1, port, advertisedPort: port, internalPort: await freePort(), controllerPort: await freePort() });
  }
  return { clusterId: newClusterId(), kafkaVersion: kafkaVersion(), bootstrap: '', nodes };
}

/** `kafka-storage format` for every node at once (static quorum, so no --standalone), into the pristine copy. */
async function formatStorage(dir: string, state: KafkaClusterState, jars: string): Promise<void> {
  const pristine = join(dir, 'pristine');
  rmSync(pristine, { recursive: true, force: true });
  await Promise.all(
    state.nodes.map(async (node) => {
      const formatConfig = join(nodeDir(dir, node.nodeId), 'format.properties');
      writeFileSync(formatConfig, kafkaNodeProperties({ node, nodes: state.nodes, logDir: join(pristine, `node-${node.nodeId}`) }));
      await run('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', join(jars, '*'), 'kafka.tools.StorageTool', 'format', '-t', state.clusterId, '-c', formatConfig], {
        encoding: 'utf8',
      }).catch((error: unknown) => {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`formatting Kafka storage of node ${node.nodeId} failed: ${stderr}${stdout}`, { cause: error });
      });
    }),
  );
  writeFileSync(join(pristine, '.complete'), state.clusterId);
}

/** Stops whatever nodes of `dir` still run (this checkout's, by the pids in its state file). */
export async function stopKafkaCluster(dir: string, { graceMs = 10_000 }: { graceMs?: number } = {}): Promise<number> {
  const state = readKafkaClusterState(dir);
  if (state === undefined) return 0;
  const alive = state.nodes.filter((node) => nodeAlive(dir, node));
  await Promise.all(alive.map((node) => signalAndWait(dir, node, graceMs)));
  writeKafkaClusterState(dir, { ...state, nodes: state.nodes.map((node) => ({ ...node, pid: undefined })) });
  return alive.length;
}

/** SIGTERM (a controlled shutdown) when there is a grace period, SIGKILL at its end or at once. */
async function signalAndWait(dir: string, node: KafkaNodeState, graceMs: number): Promise<void> {
  const { pid } = node;
  if (pid === undefined) return;
  const marker = propertiesFile(dir, node.nodeId);
  const gone = async (deadline: number) => {
    while (processAlive(pid, marker) && Date.now() < deadline) await sleep(20);
    return !processAlive(pid, marker);
  };
  if (graceMs > 0) {
    process.kill(pid, 'SIGTERM');
    if (await gone(Date.now() + graceMs)) return;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  if (!(await gone(Date.now() + 10_000))) throw new Error(`Kafka node ${node.nodeId} (pid ${pid}) did not exit after SIGKILL`);
}

class LocalKafkaCluster implements KafkaCluster {
  constructor(
    readonly dir: string,
    private state: KafkaClusterState,
    private readonly jars: string,
    private readonly heapMb: number,
    private readonly log: (message: string) => void,
    private readonly onSpawn: ((nodeId: number, pid: number) => void) | undefined,
  ) {}

  get bootstrap(): string {
    return this.state.bootstrap;
  }

  get brokers(): string[] {
    return this.state.bootstrap.split(',');
  }

  get internalBootstrap(): string {
    return this.state.nodes.map((node) => `127.0.0.1:${node.internalPort}`).join(',');
  }

  get nodes(): readonly KafkaNode[] {
    return this.state.nodes.map((node) => ({ nodeId: node.nodeId, port: node.port, advertisedPort: node.advertisedPort, pid: node.pid, logFile: logFileOf(this.dir, node.nodeId) }));
  }

  async startAll(): Promise<void> {
    const started = performance.now();
    for (const node of this.state.nodes) this.spawnNode(node.nodeId);
    await this.waitUntilServing(this.state.nodes.map((node) => node.nodeId));
    this.log(
      `Kafka ${this.state.kafkaVersion} up: ${this.state.nodes.length} node(s) at ${this.bootstrap} in ${((performance.now() - started) / 1000).toFixed(2)} s (logs: ${join(this.dir, 'node-*', 'server.log')})`,
    );
  }

  async kill(nodeId: number): Promise<void> {
    const node = this.nodeState(nodeId);
    await signalAndWait(this.dir, node, 0);
    this.update(nodeId, undefined);
  }

  async restart(nodeId: number): Promise<void> {
    const node = this.nodeState(nodeId);
    if (nodeAlive(this.dir, node)) await signalAndWait(this.dir, node, 10_000);
    this.spawnNode(nodeId);
    await this.waitUntilServing([nodeId]);
  }

  async stop(): Promise<void> {
    await stopKafkaCluster(this.dir);
    this.state = readKafkaClusterState(this.dir) ?? this.state;
  }

  private nodeState(nodeId: number): KafkaNodeState {
    const node = this.state.nodes.find((candidate) => candidate.nodeId === nodeId);
    if (node === undefined) throw new Error(`the Kafka cluster in ${this.dir} has no node ${nodeId}`);
    return node;
  }

  private update(nodeId: number, pid: number | undefined): void {
    this.state = { ...this.state, nodes: this.state.nodes.map((node) => (node.nodeId === nodeId ? { ...node, pid } : node)) };
    writeKafkaClusterState(this.dir, this.state);
  }

  /** Detached, in its own session, output to a file: a node outlives the command that started it, as a service does. */
  private spawnNode(nodeId: number): void {
    const out = openSync(join(nodeDir(this.dir, nodeId), 'stdout.log'), 'a');
    const child = spawn('java', [...jvmArguments(this.dir, nodeId, this.heapMb || 1024, this.jars), 'kafka.Kafka', propertiesFile(this.dir, nodeId)], {
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start Kafka node ${nodeId} (is java installed?)`);
    this.onSpawn?.(nodeId, child.pid);
    this.update(nodeId, child.pid);
  }

  /** Until each node's port answers and the cluster's metadata lists it as a live broker. */
  private async waitUntilServing(nodeIds: readonly number[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const nodes = nodeIds.map((nodeId) => this.nodeState(nodeId));
    for (const node of nodes) {
      while (!(await portOpen(node.port))) {
        if (!nodeAlive(this.dir, node)) throw new Error(`Kafka node ${node.nodeId} exited while starting: see ${logFileOf(this.dir, node.nodeId)} and its stdout.log`);
        if (Date.now() > deadline) throw new Error(`Kafka node ${node.nodeId} did not open port ${node.port} within ${timeoutMs / 1000} s`);
        await sleep(50);
      }
    }
    const direct = nodes.map((node) => `127.0.0.1:${node.port}`);
    const admin = localKafkaClient(direct, 'triplane-kafka-ready', { connectTimeoutMs: 1_000, requestTimeoutMs: 2_000, retries: 0 }).admin();
    try {
      for (;;) {
        const listed = await admin
          .describeCluster()
          .then((cluster) => new Set(cluster.brokers.map((broker) => broker.nodeId)))
          .catch(() => new Set<number>());
        if (nodeIds.every((nodeId) => listed.has(nodeId))) return;
        if (Date.now() > deadline) throw new Error(`Kafka nodes ${nodeIds.join(', ')} did not join the cluster within ${timeoutMs / 1000} s`);
        await sleep(50);
      }
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
}
