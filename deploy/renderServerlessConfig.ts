import { consumerGroupOf, functionKey, logicalIdOf, redisSecretIdOf, roleIdOf } from '../shared/routes/derivedNames';
import { stringify } from 'yaml';
import { createHash } from 'node:crypto';
import { FUNCTIONS, handlerPath, type FunctionRoute } from '../shared/routes/manifest';
import { workflowQueues } from '../shared/routes/workflow';
import { functionRoles } from './renderFunctionRoles';
import { monitoringResources } from './renderMonitoring';
import { hasMqUser, mqSecretOf, mqSecretResources, mqUsersProperty } from './renderMqUsers';
import { usesRedis } from '../shared/security/redisAcl';
import { REDIS_USER_GROUP, redisUserResources } from './renderRedisUsers';
import { API_KEYS_SECRET, apiKeySecretResources, readsApiKeys } from './renderApiKeySecret';

export const GENERATED_NOTICE =
  '# Generated from shared/routes/manifest.ts by `npm run wiring`; edit the manifest, then run it again.\n' +
  '# Deploy: npx serverless deploy --stage STAGE --param="mskClusterArn=..." --param="redisUrl=rediss://..." \\\n' +
  '#   --param="securityGroupId=sg-..." --param="subnetIdA=subnet-..." --param="subnetIdB=subnet-..." \\\n' +
  '#   --param="mqBrokerArn=arn:aws:mq:...:broker:NAME:b-..." --param="mqEndpoint=amqps://b-....mq.REGION.amazonaws.com:5671" \\\n' +
  '#   --param="mqSecretArn=arn:aws:secretsmanager:...:secret:..." --param="mqBrokerName=NAME" --param="cacheClusterId=ID" \\\n' +
  '#   --param="archiveBucket=BUCKET"\n';

function eventsOf(fn: FunctionRoute): unknown[] {
  const events: unknown[] = [];
  if (fn.http) events.push({ httpApi: { method: fn.http.method, path: fn.http.path } });
  for (const topic of fn.kafka?.topics ?? []) {
    events.push({
      msk: {
        arn: '${param:mskClusterArn}',
        topic,
        batchSize: fn.kafka?.batchSize,
        maximumBatchingWindow: fn.kafka?.maximumBatchingWindow,
        startingPosition: fn.kafka?.startingPosition,
        consumerGroupId: consumerGroupOf(fn, topic),
      },
    });
  }
  if (fn.rabbitmq) {
    events.push({
      rabbitmq: {
        arn: '${param:mqBrokerArn}',
        queue: fn.rabbitmq.queue,
        basicAuthArn: mqSecretOf(fn),
        batchSize: fn.rabbitmq.batchSize,
        maximumBatchingWindow: fn.rabbitmq.maximumBatchingWindow,
      },
    });
  }
  return events;
}

/** Changes whenever the declared topology changes, so CloudFormation runs the custom resource again. */
export const topologyVersion = (): string => createHash('sha256').update(JSON.stringify(workflowQueues())).digest('hex').slice(0, 16);

/** serverless.yml as an object: Serverless Framework v3 syntax, packaged by osls with serverless-esbuild. */
export function serverlessConfig(): Record<string, unknown> {
  return {
    service: 'triplane',
    frameworkVersion: '>=3',
    configValidationMode: 'error',
    plugins: ['serverless-esbuild'],
    provider: {
      name: 'aws',
      runtime: 'nodejs22.x',
      architecture: 'arm64',
      stage: "${opt:stage, 'dev'}",
      region: "${opt:region, 'us-east-1'}",
      logRetentionInDays: 14,
      httpApi: { payload: '2.0' },
      // MSK and ElastiCache live in the VPC; the functions join it to reach them.
      vpc: {
        securityGroupIds: ['${param:securityGroupId}'],
        subnetIds: ['${param:subnetIdA}', '${param:subnetIdB}'],
      },
      environment: {
        MSK_CLUSTER_ARN: '${param:mskClusterArn}',
        REDIS_URL: '${param:redisUrl}',
        TRIPLANE_HOP_LIMIT: '10',
        RABBITMQ_ENDPOINT: '${param:mqEndpoint}',
        RABBITMQ_SECRET_ARN: '${param:mqSecretArn}',
        NODE_OPTIONS: '--enable-source-maps',
      },
    },
    package: {
      individually: true,
      patterns: ['!package-lock.json', '!events/**', '!test/**', '!bench/**', '!emulator/**', '!tools/**', '!deploy/**', '!operations/**', '!testkit/**', '!.ci/**'],
    },
    custom: {
      esbuild: {
        bundle: true,
        minify: true,
        sourcemap: true,
        target: 'node22',
        platform: 'node',
        // The Lambda runtime ships the AWS SDK v3; bundling it would only grow the zips.
        exclude: ['@aws-sdk/*'],
        // @platformatic/kafka (the producer) is ESM-only and reads import.meta.url, empty in a CommonJS
        // bundle: each bundle defines it from its own file. Its @platformatic/wasm-utils loads a .wasm file
        // beside it at run time; the package's `bundled` entry inlines the module instead
        // (as bench/kafkaClientsBenchmark.ts bundled it). serverless-esbuild passes these to esbuild as given.
        alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
        define: { 'import.meta.url': '__bundleUrl' },
        banner: { js: "const __bundleUrl=require('url').pathToFileURL(__filename).href;" },
      },
    },
    resources: {
      Resources: {
        WorkflowTopology: {
          Type: 'Custom::WorkflowTopology',
          Properties: {
            ServiceToken: { 'Fn::GetAtt': [`${logicalIdOf('declare-workflow-topology')}`, 'Arn'] },
            TopologyVersion: topologyVersion(),
            // Each step's and publisher's own user, made by the hook on the broker (shared/security/rabbitMqUsers).
            Users: mqUsersProperty(),
          },
        },
        ...monitoringResources(),
        // One role per function, naming only its own resources (least privilege): see renderFunctionRoles.
        ...functionRoles(),
        // One ElastiCache user per function, with only its key families and commands: see renderRedisUsers.
        ...redisUserResources(),
        ...mqSecretResources(),
        // The HTTP API's keys, generated at deploy time and read only by the HTTP functions: see renderApiKeySecret.
        ...apiKeySecretResources(),
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
      },
    },
    functions: Object.fromEntries(
      FUNCTIONS.map((fn) => [
        functionKey(fn.name),
        {
          handler: handlerPath(fn.name),
          description: fn.description,
          timeout: fn.timeoutSeconds,
          memorySize: fn.memoryMb,
          role: roleIdOf(fn.name),
          ...environmentOf(fn),
          events: eventsOf(fn),
        },
      ]),
    ),
  };
}

/** A function's own variables: the archive bucket for the sink, its Redis and RabbitMQ users' secrets, the API keys' secret. */
function environmentOf(fn: FunctionRoute): { environment?: Record<string, unknown> } {
  const environment: Record<string, unknown> = {};
  if (fn.writesArchive === true) environment.ARCHIVE_BUCKET = '${param:archiveBucket}';
  if (usesRedis(fn)) environment.REDIS_SECRET_ARN = { Ref: redisSecretIdOf(fn.name) };
  if (hasMqUser(fn)) environment.RABBITMQ_SECRET_ARN = mqSecretOf(fn);
  // The secret's ARN, never the keys: the function reads them at cold start and every TTL after.
  if (readsApiKeys(fn)) environment.TRIPLANE_API_KEYS_SECRET_ARN = { Ref: API_KEYS_SECRET };
  return Object.keys(environment).length > 0 ? { environment } : {};
}

export function renderServerlessYaml(): string {
  return GENERATED_NOTICE + stringify(serverlessConfig(), { lineWidth: 0 });
}
