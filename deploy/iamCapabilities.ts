/**
 * What each capability of a function needs from IAM, according to AWS documentation: one row per
 * action, with the resource kind it is granted on and the page that says so. The roles are rendered
 * from this table (renderFunctionRoles) and test/unit/deploy/renderFunctionRoles.test.ts holds every role to it
 * in both directions, so an action no row asks for cannot slip into a role, and none a row asks for
 * can go missing.
 *
 * Not in the table, on purpose:
 * - `cloudwatch:PutMetricData`: the functions publish their metrics as embedded metric format log
 *   lines (Powertools Metrics writes them to stdout); Lambda ships stdout to CloudWatch Logs and
 *   CloudWatch Logs extracts the metrics, no API call and no permission beyond writing logs
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Lambda.html).
 * - `logs:CreateLogGroup`: AWSLambdaBasicExecutionRole has it for functions whose group does not exist
 *   yet; here the stack creates each function's group (osls's `<Function>LogGroup`, which the function
 *   depends on), so the role only writes into its own group.
 * - `kms:Decrypt`: the secrets are encrypted with the AWS managed key `aws/secretsmanager`, which needs
 *   no key policy grant (https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html);
 *   a customer managed key would need it.
 * - `kafka-cluster:DescribeCluster` and `kafka:DescribeCluster`: no client or mapping here uses them
 *   (Lambda takes either DescribeCluster or DescribeClusterV2; V2 works for provisioned and serverless
 *   clusters alike, https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html).
 */

/** The kinds of resource an action is granted on; renderFunctionRoles turns each into the function's own ARNs. */
export type ResourceKind =
  /** The MSK cluster (`${param:mskClusterArn}`). */
  | 'cluster'
  /** The function's own topics on the cluster, read or written. */
  | 'topic'
  /** The function's own consumer groups. */
  | 'group'
  /** The Amazon MQ broker (`${param:mqBrokerArn}`). */
  | 'broker'
  /** The function's own secrets. */
  | 'secret'
  /** The objects of the archive bucket. */
  | 'archive-objects'
  /** The function's own log group. */
  | 'log-group'
  /** Every resource: for actions that take no resource-level permission (EC2 Describe*, network interfaces). */
  | 'any';

export interface Need {
  action: string;
  on: ResourceKind;
  /** The AWS documentation page that says this capability needs this action. */
  doc: string;
}

const DOCS = {
  lambdaLogs: 'https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html',
  lambdaVpc: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
  mskUseCases: 'https://docs.aws.amazon.com/msk/latest/developerguide/iam-access-control-use-cases.html',
  mskActions: 'https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html',
  mskApi: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmanagedstreamingforapachekafka.html',
  lambdaMsk: 'https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html',
  lambdaMskIam: 'https://docs.aws.amazon.com/lambda/latest/dg/msk-cluster-auth.html',
  lambdaMq: 'https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html',
  secrets: 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_identity-based-policies.html',
  s3Put: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html',
} as const;

/** Lambda's ENI actions, for a function in a VPC and for an event source mapping that reaches a VPC. */
const networkInterfaces = (doc: string): Need[] => [
  { action: 'ec2:CreateNetworkInterface', on: 'any', doc },
  { action: 'ec2:DescribeNetworkInterfaces', on: 'any', doc },
  // Granted on every resource: "if you don't specify a resource ID for DeleteNetworkInterface ... your function may not be able to access the VPC" (configuration-vpc).
  { action: 'ec2:DeleteNetworkInterface', on: 'any', doc },
  { action: 'ec2:DescribeSubnets', on: 'any', doc },
];

/**
 * The table. A capability is something a function does, whichever function does it; which
 * capabilities a function has follows from its serverless.yml trigger and its function.ts facts
 * (capabilitiesOf in renderFunctionRoles).
 */
export const CAPABILITY_NEEDS = {
  /** Every function: its logs (Lambda writes stdout and stderr to its group). */
  'write-logs': [
    { action: 'logs:CreateLogStream', on: 'log-group', doc: DOCS.lambdaLogs },
    { action: 'logs:PutLogEvents', on: 'log-group', doc: DOCS.lambdaLogs },
  ],
  /** A function attached to the VPC (provider.vpc): Lambda makes and removes its network interfaces with the function's role. */
  'run-in-vpc': [
    ...networkInterfaces(DOCS.lambdaVpc),
    { action: 'ec2:AssignPrivateIpAddresses', on: 'any', doc: DOCS.lambdaVpc },
    { action: 'ec2:UnassignPrivateIpAddresses', on: 'any', doc: DOCS.lambdaVpc },
  ],
  /** A Kafka client of the function's own (the producer): it asks MSK where the brokers are (shared/clients/kafkaBrokers.ts, GetBootstrapBrokers). */
  'find-msk-brokers': [{ action: 'kafka:GetBootstrapBrokers', on: 'cluster', doc: DOCS.mskApi }],
  /**
   * Producing with enable.idempotence (shared/kafka/platformaticKafka.ts) over IAM auth. MSK grants
   * idempotent writes only with WriteDataIdempotently on the cluster unless WriteData is given on all
   * topics, which least privilege never does (the KIP-679 note of
   * https://docs.aws.amazon.com/msk/latest/developerguide/create-iam-access-control-policies.html).
   */
  'produce-idempotently': [
    { action: 'kafka-cluster:Connect', on: 'cluster', doc: DOCS.mskUseCases },
    { action: 'kafka-cluster:WriteDataIdempotently', on: 'cluster', doc: DOCS.mskUseCases },
    { action: 'kafka-cluster:DescribeTopic', on: 'topic', doc: DOCS.mskUseCases },
    { action: 'kafka-cluster:WriteData', on: 'topic', doc: DOCS.mskUseCases },
  ],
  /** An MSK event source mapping with IAM auth: Lambda polls with the function's role. */
  'consume-through-msk-mapping': [
    { action: 'kafka:DescribeClusterV2', on: 'cluster', doc: DOCS.lambdaMsk },
    { action: 'kafka:GetBootstrapBrokers', on: 'cluster', doc: DOCS.lambdaMsk },
    { action: 'kafka-cluster:Connect', on: 'cluster', doc: DOCS.lambdaMskIam },
    { action: 'kafka-cluster:DescribeClusterDynamicConfiguration', on: 'cluster', doc: DOCS.lambdaMskIam },
    { action: 'kafka-cluster:DescribeTopic', on: 'topic', doc: DOCS.lambdaMskIam },
    { action: 'kafka-cluster:ReadData', on: 'topic', doc: DOCS.lambdaMskIam },
    // Groups are their own resource type (kafka-actions: "Required resources: group").
    { action: 'kafka-cluster:DescribeGroup', on: 'group', doc: DOCS.mskActions },
    { action: 'kafka-cluster:AlterGroup', on: 'group', doc: DOCS.mskActions },
    ...networkInterfaces(DOCS.lambdaMsk),
    { action: 'ec2:DescribeVpcs', on: 'any', doc: DOCS.lambdaMsk },
    { action: 'ec2:DescribeSecurityGroups', on: 'any', doc: DOCS.lambdaMsk },
  ],
  /** An Amazon MQ (RabbitMQ) event source mapping: Lambda describes the broker, logs in with the mapping's secret, and reaches the broker's VPC. */
  'consume-through-rabbitmq-mapping': [
    { action: 'mq:DescribeBroker', on: 'broker', doc: DOCS.lambdaMq },
    { action: 'secretsmanager:GetSecretValue', on: 'secret', doc: DOCS.lambdaMq },
    ...networkInterfaces(DOCS.lambdaMq),
    { action: 'ec2:DescribeVpcs', on: 'any', doc: DOCS.lambdaMq },
    { action: 'ec2:DescribeSecurityGroups', on: 'any', doc: DOCS.lambdaMq },
  ],
  /** Reading its own secrets at cold start (Redis and RabbitMQ users, API keys; the deploy hook, every user's). */
  'read-secrets': [{ action: 'secretsmanager:GetSecretValue', on: 'secret', doc: DOCS.secrets }],
  /** The audit sink: one PutObject per archived batch (shared/archive/S3Archive.ts). */
  'write-archive': [{ action: 's3:PutObject', on: 'archive-objects', doc: DOCS.s3Put }],
} as const satisfies Record<string, readonly Need[]>;

export type Capability = keyof typeof CAPABILITY_NEEDS;

/** One capability of one function, with the function's own resources of each kind the capability's rows name. */
export interface Grant {
  capability: Capability;
  resources: Partial<Record<Exclude<ResourceKind, 'any'>, readonly unknown[]>>;
}

/** The (action, resource) pairs a grant gives, from the table; throws if the grant lacks a resource kind its rows need. */
export function permissionsOf(grant: Grant): Array<{ action: string; resource: unknown }> {
  return CAPABILITY_NEEDS[grant.capability].flatMap((need: Need) => {
    if (need.on === 'any') return [{ action: need.action, resource: '*' }];
    const resources = grant.resources[need.on];
    if (resources === undefined || resources.length === 0) throw new Error(`capability ${grant.capability}: ${need.action} needs the function's ${need.on} resources`);
    return resources.map((resource) => ({ action: need.action, resource }));
  });
}
