/** The ports of one KRaft node: clients, the other brokers, the controller quorum. */
export interface KafkaNodePorts {
  nodeId: number;
  /** Where clients connect (the PLAINTEXT listener). */
  port: number;
  /** What the node tells clients to connect to: `port` itself, or a TCP proxy in front of it. */
  advertisedPort: number;
  /** Broker-to-broker replication, on a listener of its own so a proxy in front of clients never carries it. */
  internalPort: number;
  controllerPort: number;
}

export interface KafkaNodeSettings {
  node: KafkaNodePorts;
  /** Every node of the cluster (each is a combined broker and controller: a voter of the quorum). */
  nodes: readonly KafkaNodePorts[];
  logDir: string;
}

/**
 * server.properties of one combined (broker + controller) KRaft node. Pure, so a test can read what the
 * cluster runs with.
 *
 * - Replication: on three nodes every topic (and the offsets topic) has 3 replicas and needs 2 in sync,
 *   as MSK's defaults for a three-AZ cluster; one node can only hold one.
 * - Retention: none. The local system keeps every record for its whole life, so no burst of the tests
 *   or the benchmarks ever has records deleted before they are consumed (issue 13: the mock's size
 *   retention dropped 15% of a 150,000-event burst). The test profile starts from a clean slate instead.
 * - group.initial.rebalance.delay.ms=0: the broker's default waits 3 s for more members before the first
 *   rebalance of a group, a pause every fresh consumer group of a test would pay.
 * - broker.session.timeout.ms=3000 (default 9000): a killed node that restarts cannot register again until
 *   the controller expired its old session, and the others stop routing to a dead node at that moment too;
 *   3 s keeps a fault scenario's restart short while a heartbeat every 500 ms stays far inside it.
 * - Threads sized for the 2-core machine; the offsets topic gets 12 partitions instead of 50, which
 *   makes the first group of a fresh cluster ready sooner.
 */
export function kafkaNodeProperties({ node, nodes, logDir }: KafkaNodeSettings): string {
  const replicas = Math.min(3, nodes.length);
  const inSync = replicas >= 3 ? 2 : 1;
  const voters = nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  const properties: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://127.0.0.1:${node.port},INTERNAL://127.0.0.1:${node.internalPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.advertisedPort},INTERNAL://127.0.0.1:${node.internalPort}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'INTERNAL',
    'log.dirs': logDir,
    'num.partitions': 12,
    'default.replication.factor': replicas,
    'min.insync.replicas': inSync,
    'offsets.topic.replication.factor': replicas,
    'offsets.topic.num.partitions': 12,
    'transaction.state.log.replication.factor': replicas,
    'transaction.state.log.min.isr': inSync,
    'auto.create.topics.enable': false,
    'log.retention.ms': -1,
    'log.retention.bytes': -1,
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 2,
    'background.threads': 4,
    'unclean.leader.election.enable': false,
    'broker.session.timeout.ms': 3_000,
    'broker.heartbeat.interval.ms': 500,
  };
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n')}\n`;
}
