import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaTopics } from '../../../../tools/kafka/ensureKafkaTopics';
import { runningKafkaCluster, startKafkaCluster, stopKafkaCluster, type KafkaCluster } from '../../../../tools/kafka/kafkaCluster';
import { readKafkaClusterState } from '../../../../tools/kafka/kafkaClusterState';
import { processAlive } from '../../../../tools/kafka/processAlive';
import type { KafkaAdminPort } from '../../../../shared/kafka/KafkaPort';
import { localKafkaClient } from '../../../../shared/kafka/kafkaClient';
import { TOPICS } from '../../../../shared/routes/topics';

/**
 * The local Kafka's lifecycle (tools/kafka/kafkaCluster.ts), on a three-node cluster of this test's own
 * in a temporary folder: what `npm run services`, the benchmarks and the fault suite rely on.
 */
jest.setTimeout(120_000);

let dir: string;
let cluster: KafkaCluster;
let admin: KafkaAdminPort;
const client = () => localKafkaClient(cluster.brokers, 'kafka-cluster-test');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kafka-cluster-test-'));
  cluster = await startKafkaCluster({ dir, brokers: 3, heapMb: 512 });
  await ensureKafkaTopics(cluster.brokers);
  admin = client().admin();
});

afterAll(async () => {
  // Unset if beforeAll failed before it.
  await (admin as KafkaAdminPort | undefined)?.close();
  await stopKafkaCluster(dir, { graceMs: 0 });
  rmSync(dir, { recursive: true, force: true });
});

describe('a local three-node Kafka cluster', () => {
  it('records its nodes, ports and pids in its state file, and is found running from it', async () => {
    const state = readKafkaClusterState(dir);
    expect(state?.nodes.map((node) => node.nodeId)).toEqual([1, 2, 3]);
    expect(cluster.bootstrap).toBe(cluster.nodes.map((node) => `127.0.0.1:${node.port}`).join(','));
    expect(new Set(cluster.nodes.map((node) => node.port)).size).toBe(3);
    const again = await runningKafkaCluster(dir);
    expect(again?.nodes.map((node) => node.pid)).toEqual(cluster.nodes.map((node) => node.pid));
    // Starting it again reuses the running nodes instead of starting others.
    const reused = await startKafkaCluster({ dir, brokers: 3 });
    expect(reused.nodes.map((node) => node.pid)).toEqual(cluster.nodes.map((node) => node.pid));
  });

  it('has the manifest topics with their partitions, three replicas, two in sync required and no retention', async () => {
    const topics = await admin.describeTopics(Object.keys(TOPICS));
    expect(topics.map((t) => t.name).sort()).toEqual(Object.keys(TOPICS).sort());
    for (const topic of topics) {
      expect(topic.partitions).toHaveLength(TOPICS[topic.name as keyof typeof TOPICS].partitions);
      for (const partition of topic.partitions) expect(partition.replicas).toHaveLength(3);
    }
    const config = await admin.topicConfigs('orders', ['min.insync.replicas', 'retention.ms', 'retention.bytes']);
    expect(config).toEqual({ 'min.insync.replicas': '2', 'retention.ms': '-1', 'retention.bytes': '-1' });
  });

  it('keeps accepting idempotent acks=all writes with one node killed, and takes the node back on restart', async () => {
    // The system's produce path (shared/clients/kafkaProducer.ts): @platformatic/kafka on the KafkaPort.
    const producer = await client().producer();
    try {
      const killed = cluster.nodes[1];
      if (killed?.pid === undefined) throw new Error('node 2 is not running');
      const pid = killed.pid;
      await cluster.kill(killed.nodeId);
      expect(processAlive(pid, join(dir, 'node-2'))).toBe(false);
      expect(cluster.nodes[1]?.pid).toBeUndefined();
      // Until the controller fenced it (broker.session.timeout.ms, 3 s) the killed node still leads its
      // partitions, and a send to them can only fail; the system's callers retry, this test waits.
      for (let tries = 0; ; tries++) {
        // A metadata request that went to the dead node fails: asked again.
        const partitions = await admin.partitions('orders').catch(() => undefined);
        if (partitions !== undefined && partitions.length > 0 && !partitions.some((partition) => partition.leader === killed.nodeId)) break;
        if (tries > 600) throw new Error('the killed node still leads partitions of orders');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const records = Array.from({ length: 120 }, (_, i) => ({ key: `k-${i}`, value: `v-${i}`, headers: {} }));
      // Two of three replicas are in sync for every partition, min.insync.replicas is 2: nothing is refused.
      // A plain kafkajs 2.2.4 producer.send here resolved, in one run, having written 73 of the 120: the
      // partitions led by the killed node changed leader during the send (test/integration/acknowledgedSend.test.ts).
      await producer.send([{ topic: 'orders', records }]);
      await cluster.restart(killed.nodeId);
      expect(processAlive(cluster.nodes[1]?.pid ?? 0, join(dir, 'node-2'))).toBe(true);
      const { brokers } = await admin.describeCluster();
      expect(brokers.map((broker) => broker.nodeId).sort()).toEqual([1, 2, 3]);
      const ends = await admin.topicOffsets('orders');
      expect(ends.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(120);
    } finally {
      await producer.close();
    }
  });

  it('starts fresh from empty storage when asked: no topics, no records', async () => {
    cluster = await startKafkaCluster({ dir, brokers: 3, heapMb: 512, fresh: true });
    const fresh = client().admin();
    try {
      expect((await fresh.listTopics()).filter((topic) => !topic.startsWith('__'))).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('stops every node, after which it is no longer found running', async () => {
    const pids = cluster.nodes.map((node) => node.pid ?? 0);
    await admin.close();
    await cluster.stop();
    expect(pids.map((pid, index) => processAlive(pid, join(dir, `node-${index + 1}`)))).toEqual([false, false, false]);
    expect(await runningKafkaCluster(dir)).toBeUndefined();
  });
});
