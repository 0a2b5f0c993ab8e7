import { logGroupIdOf, mqSecretIdOf, redisSecretIdOf, roleIdOf } from '../shared/routes/derivedNames';
import { subscriptionsOf, type FunctionRoute } from '../shared/routes/functionCatalog';
import { usesRedis } from '../shared/security/redisAcl';
import { permissionsOf, type Grant } from './iamCapabilities';
import { hasMqUser } from './renderMqUsers';
import { API_KEYS_SECRET, readsApiKeys } from './renderApiKeySecret';

const CLUSTER = '${param:mskClusterArn}';
const BROKER = '${param:mqBrokerArn}';
const ADMIN_SECRET = '${param:mqSecretArn}';

// MSK resource ARNs are built from the cluster's: arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID.
const clusterPart = { 'Fn::Select': [1, { 'Fn::Split': ['cluster/', CLUSTER] }] };
const mskArn = (kind: 'topic' | 'group', name: string) => ({
  'Fn::Sub': [`arn:\${AWS::Partition}:kafka:\${AWS::Region}:\${AWS::AccountId}:${kind}/\${ClusterPart}/${name}`, { ClusterPart: clusterPart }],
});

export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown[];
}

/** The secrets a function reads itself: its Redis and RabbitMQ users', the API keys for HTTP routes; the deploy hook, the admin's and every user's (it provisions them). */
function secretsReadBy(fn: FunctionRoute, functions: readonly FunctionRoute[]): unknown[] {
  if (fn.deployHook === 'workflow-topology') return [ADMIN_SECRET, ...functions.filter(hasMqUser).map((f) => ({ Ref: mqSecretIdOf(f.name) }))];
  return [...(hasMqUser(fn) ? [{ Ref: mqSecretIdOf(fn.name) }] : []), ...(usesRedis(fn) ? [{ Ref: redisSecretIdOf(fn.name) }] : []), ...(readsApiKeys(fn) ? [{ Ref: API_KEYS_SECRET }] : [])];
}

/**
 * What a function does, each capability with the function's own resources, from its serverless.yml
 * trigger and its function.ts facts; deploy/iamCapabilities.ts says what each needs from IAM.
 */
export function capabilitiesOf(fn: FunctionRoute, functions: readonly FunctionRoute[]): Grant[] {
  const grants: Grant[] = [
    { capability: 'write-logs', resources: { 'log-group': [{ 'Fn::GetAtt': [logGroupIdOf(fn.name), 'Arn'] }] } },
    // provider.vpc attaches every function to the VPC, where MSK, ElastiCache and the broker live.
    { capability: 'run-in-vpc', resources: {} },
  ];
  const subscriptions = subscriptionsOf(fn);
  if (subscriptions.length > 0) {
    grants.push({
      capability: 'consume-through-msk-mapping',
      resources: { cluster: [CLUSTER], topic: subscriptions.map((s) => mskArn('topic', s.topic)), group: subscriptions.map((s) => mskArn('group', s.consumerGroupId)) },
    });
  }
  if (fn.produces.length > 0) {
    grants.push({ capability: 'find-msk-brokers', resources: { cluster: [CLUSTER] } });
    grants.push({ capability: 'produce-idempotently', resources: { cluster: [CLUSTER], topic: fn.produces.map((t) => mskArn('topic', t)) } });
  }
  if (fn.trigger.kind === 'rabbitmq') grants.push({ capability: 'consume-through-rabbitmq-mapping', resources: { broker: [BROKER], secret: [fn.trigger.basicAuthArn] } });
  const secrets = secretsReadBy(fn, functions);
  if (secrets.length > 0) grants.push({ capability: 'read-secrets', resources: { secret: secrets } });
  if (fn.writesArchive === true) grants.push({ capability: 'write-archive', resources: { 'archive-objects': [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${param:archiveBucket}/*' }] } });
  return grants;
}

/**
 * The IAM statements of one function: every (action, resource) pair its capabilities need, once, the
 * actions that share the same resources in one statement. MSK is reached with IAM auth, so the
 * kafka-cluster statements are also the Kafka ACLs.
 */
export function statementsOf(fn: FunctionRoute, functions: readonly FunctionRoute[]): Statement[] {
  const resourcesOfAction = new Map<string, Map<string, unknown>>();
  for (const { action, resource } of capabilitiesOf(fn, functions).flatMap(permissionsOf)) {
    const resources = resourcesOfAction.get(action) ?? new Map<string, unknown>();
    resources.set(JSON.stringify(resource), resource);
    resourcesOfAction.set(action, resources);
  }
  const statements = new Map<string, Statement>();
  for (const [action, resources] of resourcesOfAction) {
    const key = [...resources.keys()].join('\n');
    const statement = statements.get(key) ?? { Effect: 'Allow', Action: [], Resource: [...resources.values()] };
    statement.Action.push(action);
    statements.set(key, statement);
  }
  return [...statements.values()];
}

/**
 * One role per function, holding exactly its statements: no managed policy, whose actions would be
 * outside the table (AWSLambdaVPCAccessExecutionRole writes to every log group, for one).
 */
export function functionRoles(functions: readonly FunctionRoute[]): Record<string, unknown> {
  return Object.fromEntries(
    functions.map((fn) => [
      roleIdOf(fn.name),
      {
        Type: 'AWS::IAM::Role',
        // checkov's "write access without constraints" sees the network interface actions on every
        // resource: Lambda manages its interfaces with them and the Lambda guide grants them so
        // (configuration-vpc; its own AWSLambdaVPCAccessExecutionRole does the same).
        Metadata: { checkov: { skip: [{ id: 'CKV_AWS_111', comment: 'ec2 network interface actions for Lambda VPC access, on * as the Lambda guide grants them' }] } },
        Properties: {
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          Policies: [{ PolicyName: `${fn.name}-least-privilege`, PolicyDocument: { Version: '2012-10-17', Statement: statementsOf(fn, functions) } }],
        },
      },
    ]),
  );
}
