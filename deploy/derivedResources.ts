import { createHash } from 'node:crypto';
import { logicalIdOf, redisSecretIdOf } from '../shared/routes/derivedNames';
import type { FunctionRoute } from '../shared/routes/functionCatalog';
import { workflowQueues } from '../shared/routes/workflow';
import { functionRoles } from './renderFunctionRoles';
import { monitoringResources } from './renderMonitoring';
import { hasMqUser, mqSecretOf, mqSecretResources, mqUsersProperty } from './renderMqUsers';
import { usesRedis } from '../shared/security/redisAcl';
import { REDIS_USER_GROUP, redisUserResources } from './renderRedisUsers';
import { API_KEYS_SECRET, apiKeySecretResources, readsApiKeys } from './renderApiKeySecret';
import { alarmTargetConditions, alarmTargetParameters } from './renderAlarmTargets';
import { eventSourceMappingExtensions, type ResourceExtension } from './eventSourceMappingExtensions';
import { vpcEndpointConditions, vpcEndpointParameters, vpcEndpointResources } from './renderVpcEndpoints';
import { customResourceServiceTimeout } from './customResourceTimeout';
import { httpApiStageResources } from './renderHttpApiStage';
import { mskFailureDestinationOutputs, mskFailureDestinationResources } from './renderMskFailureDestinations';

/** Changes whenever the declared topology changes, so CloudFormation runs the custom resource again. */
export const topologyVersion = (): string => createHash('sha256').update(JSON.stringify(workflowQueues())).digest('hex').slice(0, 16);

export interface DerivedResources {
  Parameters: Record<string, unknown>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, unknown>;
  Outputs: Record<string, unknown>;
  extensions: Record<string, ResourceExtension>;
}

/**
 * serverless.yml's `resources` (through deploy/serverlessResources.cjs): everything that follows from
 * its functions and their function.ts facts. Each function's own variables (its users' secrets, the
 * API keys' secret, the archive bucket) are merged into the function the framework makes: osls merges
 * `Resources` deeply into the compiled template, so the provider's variables stay.
 */
export function derivedResources(functions: readonly FunctionRoute[]): DerivedResources {
  const hook = functions.find((fn) => fn.deployHook === 'workflow-topology');
  if (hook === undefined) throw new Error('serverless.yml has no function whose function.ts declares the workflow-topology deploy hook');
  const resources: DerivedResources = {
    // Where alarms go besides the stack's topic (stage params alarmEmail, alarmTopicArn): see renderAlarmTargets.
    // The VPC endpoints, unless the stage declares a NAT: see renderVpcEndpoints.
    Parameters: { ...alarmTargetParameters(), ...vpcEndpointParameters() },
    Conditions: { ...alarmTargetConditions(), ...vpcEndpointConditions() },
    Resources: {
      WorkflowTopology: {
        Type: 'Custom::WorkflowTopology',
        Properties: {
          ServiceToken: { 'Fn::GetAtt': [logicalIdOf(hook.name), 'Arn'] },
          ServiceTimeout: customResourceServiceTimeout(hook.timeoutSeconds),
          TopologyVersion: topologyVersion(),
          // Each step's and publisher's own user, made by the hook on the broker (shared/security/rabbitMqUsers).
          Users: mqUsersProperty(functions),
        },
      },
      ...monitoringResources(functions),
      // One role per function, naming only its own resources (least privilege): see renderFunctionRoles.
      ...functionRoles(functions),
      // One ElastiCache user per function, with only its key families and commands: see renderRedisUsers.
      ...redisUserResources(functions),
      ...mqSecretResources(functions),
      // The HTTP API's keys, generated at deploy time and read only by the HTTP functions: see renderApiKeySecret.
      ...apiKeySecretResources(),
      ...vpcEndpointResources(),
      ...httpApiStageResources(),
      // Where the MSK mappings put a batch they give up on: see renderMskFailureDestinations.
      ...mskFailureDestinationResources(functions),
    },
    Outputs: {
      RedisUserGroupId: {
        Description: 'Attach once to the cache: aws elasticache modify-replication-group --replication-group-id ID --user-group-ids-to-add <this>',
        Value: { Ref: REDIS_USER_GROUP },
      },
      ApiKeysSecretArn: {
        Description: 'The HTTP API keys: aws secretsmanager get-secret-value --secret-id <this> (rotate with put-secret-value, no redeploy)',
        Value: { Ref: API_KEYS_SECRET },
      },
      ...mskFailureDestinationOutputs(functions),
    },
    // Additions to the event source mappings osls compiles (batching window 0, on-failure destination, RabbitMQ after the topology): see eventSourceMappingExtensions.
    extensions: eventSourceMappingExtensions(functions, 'WorkflowTopology'),
  };
  for (const fn of functions) {
    // The step's event source logs in with the step's own user: serverless.yml names its secret.
    if (fn.trigger.kind === 'rabbitmq' && JSON.stringify(fn.trigger.basicAuthArn) !== JSON.stringify(mqSecretOf(fn))) {
      throw new Error(`serverless.yml: function ${fn.key}: its rabbitmq basicAuthArn must be ${JSON.stringify(mqSecretOf(fn))}, the secret of its own user`);
    }
    const environment = environmentOf(fn);
    if (environment !== undefined) resources.Resources[logicalIdOf(fn.name)] = { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: environment } } };
  }
  return resources;
}

/** A function's own variables: the archive bucket for the sink, its Redis and RabbitMQ users' secrets, the API keys' secret. */
function environmentOf(fn: FunctionRoute): Record<string, unknown> | undefined {
  const environment: Record<string, unknown> = {};
  if (fn.writesArchive === true) environment.ARCHIVE_BUCKET = '${param:archiveBucket}';
  if (usesRedis(fn)) environment.REDIS_SECRET_ARN = { Ref: redisSecretIdOf(fn.name) };
  if (hasMqUser(fn)) environment.RABBITMQ_SECRET_ARN = mqSecretOf(fn);
  // The secret's ARN, never the keys: the function reads them at cold start and every TTL after.
  if (readsApiKeys(fn)) environment.TRIPLANE_API_KEYS_SECRET_ARN = { Ref: API_KEYS_SECRET };
  return Object.keys(environment).length > 0 ? environment : undefined;
}
