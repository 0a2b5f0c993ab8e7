import { functionConfig } from '../config/functionConfig';
import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { awsClientConfig } from './awsClientConfig';
import { connectOnce } from './connectOnce';

export interface KafkaConnection {
  brokers: string[];
  ssl: boolean;
  /** MSK IAM: SASL OAUTHBEARER with this token provider (KafkaPort's KafkaSettings). */
  oauthBearerToken?: () => Promise<string>;
}

const discovered = connectOnce(discoverKafka);

/**
 * Where Kafka is and how to reach it. `KAFKA_BROKERS` when given (the local Kafka, or any other, plain or
 * with KAFKA_SSL=true). Else MSK, asked once per process from `MSK_CLUSTER_ARN`: the IAM listener (TLS,
 * SASL OAUTHBEARER with a token signed by the function's own role, so no Kafka password exists anywhere),
 * falling back to the TLS listener when the cluster has no IAM auth.
 */
export function kafkaConnection(): Promise<KafkaConnection> {
  return discovered.get();
}

/**
 * A fresh MSK IAM token (valid 15 minutes) on every call, signed by the function's own role. No network
 * call, so no timeout to set: the token is a SigV4 presigned URL signed locally, and on Lambda the default
 * credential chain finds the role's keys in the environment (AWS_ACCESS_KEY_ID...). The signer calls STS
 * only with `awsDebugCreds` or a role to assume, neither used here; the STS endpoint the stack creates is
 * for the event source mappings (deploy/renderVpcEndpoints.ts).
 */
export function mskIamToken(region: string): () => Promise<string> {
  return async () => (await generateAuthToken({ region })).token;
}

async function discoverKafka(): Promise<KafkaConnection> {
  const config = functionConfig();
  const listed = config.KAFKA_BROKERS?.trim();
  if (listed) {
    return {
      brokers: listed
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      ssl: config.KAFKA_SSL,
    };
  }
  const clusterArn = config.MSK_CLUSTER_ARN;
  if (!clusterArn) throw new Error('Kafka is not configured: set KAFKA_BROKERS or MSK_CLUSTER_ARN');
  const region = clusterArn.split(':')[3] ?? config.AWS_REGION ?? 'us-east-1';
  const reply = await new KafkaClient(awsClientConfig({ region })).send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
  if (reply.BootstrapBrokerStringSaslIam) return { brokers: reply.BootstrapBrokerStringSaslIam.split(','), ssl: true, oauthBearerToken: mskIamToken(region) };
  if (reply.BootstrapBrokerStringTls) return { brokers: reply.BootstrapBrokerStringTls.split(','), ssl: true };
  throw new Error(`MSK cluster ${clusterArn} has neither an IAM nor a TLS listener: triplane does not use plaintext`);
}
