import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';

export interface KafkaConnection {
  brokers: string[];
  ssl: boolean;
}

let discovered: Promise<KafkaConnection> | undefined;

/**
 * Where Kafka is: `KAFKA_BROKERS` when given (the local mock, or any Kafka), else asked of MSK once per
 * process from `MSK_CLUSTER_ARN`, preferring the TLS listener (MSK's plaintext one is off by default).
 */
export function kafkaConnection(): Promise<KafkaConnection> {
  discovered ??= discoverKafka().catch((error: unknown) => {
    discovered = undefined;
    throw error;
  });
  return discovered;
}

async function discoverKafka(): Promise<KafkaConnection> {
  const listed = process.env.KAFKA_BROKERS?.trim();
  if (listed) {
    return { brokers: listed.split(',').map((b) => b.trim()).filter(Boolean), ssl: process.env.KAFKA_SSL === 'true' };
  }
  const clusterArn = process.env.MSK_CLUSTER_ARN;
  if (!clusterArn) throw new Error('Kafka is not configured: set KAFKA_BROKERS or MSK_CLUSTER_ARN');
  const reply = await new KafkaClient({}).send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
  const tls = reply.BootstrapBrokerStringTls;
  const plain = reply.BootstrapBrokerString;
  const chosen = tls ?? plain;
  if (!chosen) throw new Error(`MSK cluster ${clusterArn} reported no bootstrap brokers`);
  return { brokers: chosen.split(','), ssl: tls !== undefined };
}
