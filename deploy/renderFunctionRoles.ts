import { mqSecretIdOf, redisSecretIdOf, roleIdOf } from '../shared/routes/derivedNames';
import { mskTriggerOf, type FunctionRoute } from '../shared/routes/functionCatalog';
import { hasMqUser } from './renderMqUsers';
import { usesRedis } from '../shared/security/redisAcl';
import { API_KEYS_SECRET, readsApiKeys } from './renderApiKeySecret';

// MSK resource ARNs are built from the cluster's: arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID.
const clusterPart = { 'Fn::Select': [1, { 'Fn::Split': ['cluster/', '${param:mskClusterArn}'] }] };
const mskArn = (kind: 'topic' | 'group', name: string) => ({
  'Fn::Sub': [`arn:\${AWS::Partition}:kafka:\${AWS::Region}:\${AWS::AccountId}:${kind}/\${ClusterPart}/${name}`, { ClusterPart: clusterPart }],
});

interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown[];
}

/**
 * The IAM statements of one function, naming only its own resources: the topics it reads (and its
 * consumer groups) or writes, the broker secret if it talks to RabbitMQ, the archive bucket for the
 * audit sink. MSK is reached with IAM auth, so these statements are also the Kafka ACLs.
 */
export function statementsOf(fn: FunctionRoute, functions: readonly FunctionRoute[]): Statement[] {
  const statements: Statement[] = [];
  const subscriptions = mskTriggerOf(fn)?.subscriptions ?? [];
  const readTopics = subscriptions.map((s) => s.topic);
  const writeTopics = fn.produces;
  if (readTopics.length + writeTopics.length > 0) {
    statements.push({ Effect: 'Allow', Action: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'], Resource: ['${param:mskClusterArn}'] });
    statements.push({ Effect: 'Allow', Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'], Resource: ['${param:mskClusterArn}'] });
  }
  if (readTopics.length > 0) {
    statements.push({ Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'], Resource: readTopics.map((t) => mskArn('topic', t)) });
    statements.push({ Effect: 'Allow', Action: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'], Resource: subscriptions.map((s) => mskArn('group', s.consumerGroupId)) });
  }
  if (writeTopics.length > 0) {
    statements.push({ Effect: 'Allow', Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'], Resource: writeTopics.map((t) => mskArn('topic', t)) });
  }
  if (fn.deployHook === 'workflow-topology') {
    // The hook logs in as the broker's admin and provisions every other function's user from its secret.
    statements.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['${param:mqSecretArn}', ...functions.filter(hasMqUser).map((f) => ({ Ref: mqSecretIdOf(f.name) }))] });
  } else if (hasMqUser(fn)) {
    statements.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [{ Ref: mqSecretIdOf(fn.name) }] });
  }
  if (fn.trigger.kind === 'rabbitmq') statements.push({ Effect: 'Allow', Action: ['mq:DescribeBroker'], Resource: ['${param:mqBrokerArn}'] });
  if (usesRedis(fn)) statements.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [{ Ref: redisSecretIdOf(fn.name) }] });
  if (readsApiKeys(fn)) statements.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [{ Ref: API_KEYS_SECRET }] });
  if (fn.writesArchive === true) statements.push({ Effect: 'Allow', Action: ['s3:PutObject'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${param:archiveBucket}/*' }] });
  return statements;
}

/** One role per function; `AWSLambdaVPCAccessExecutionRole` gives logs and the VPC network interfaces. */
export function functionRoles(functions: readonly FunctionRoute[]): Record<string, unknown> {
  return Object.fromEntries(
    functions.map((fn) => {
      const statements = statementsOf(fn, functions);
      return [
        roleIdOf(fn.name),
        {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            ManagedPolicyArns: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' }],
            ...(statements.length > 0 ? { Policies: [{ PolicyName: `${fn.name}-least-privilege`, PolicyDocument: { Version: '2012-10-17', Statement: statements } }] } : {}),
          },
        },
      ];
    }),
  );
}
