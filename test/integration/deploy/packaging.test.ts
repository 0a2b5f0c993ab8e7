import { logicalIdOf, mqSecretIdOf, redisSecretIdOf, redisUserIdOf, roleIdOf } from '../../../shared/routes/derivedNames';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_KEYS_SECRET } from '../../../deploy/renderApiKeySecret';
import { functionRoles } from '../../../deploy/renderFunctionRoles';
import { deployedFunctionCatalog, resolveParams } from '../../../testkit/deployedFunctionCatalog';
import { hasMqUser } from '../../../deploy/renderMqUsers';
import { FUNCTIONS, filtersRecords, httpTriggerOf, mskTriggerOf, rabbitMqTriggerOf, subscriptionsOf, topicsOf } from '../../../shared/routes/functionCatalog';
import { rabbitMqPermissions } from '../../../shared/security/rabbitMqPermissions';
import { usesRedis } from '../../../shared/security/redisAcl';
import { PACKAGE_DIR, packagedTemplatePath, packagedTemplateWithParams } from '../../../testkit/packagedService';

/**
 * Packages the service offline with osls (no AWS account) exactly as `serverless deploy` would, and
 * checks the CloudFormation it would send: one event source mapping per MSK-triggered function, with
 * its topic, batch size and starting position, and an HTTP API route per HTTP function.
 */
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };
let template: { Resources: Record<string, Resource>; Parameters?: Record<string, unknown> };
let resources: Record<string, Resource>;

/** The template packaged with the alarm params given on the command line. */
let withAlarmParams: typeof template;

beforeAll(async () => {
  withAlarmParams = (await packagedTemplateWithParams(['alarmEmail=oncall@example.com', 'alarmTopicArn=arn:aws:sns:us-east-1:123456789012:pager'])) as typeof template;
  // Packaged once at a time across jest workers (templateLinters.test.ts reads the same template).
  template = JSON.parse(readFileSync(await packagedTemplatePath(), 'utf8')) as typeof template;
  resources = template.Resources;
}, 240_000);

const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

describe('serverless package (osls, offline)', () => {
  const mappingOf = (name: string) => ofType('AWS::Lambda::EventSourceMapping').find((m) => JSON.stringify(m.Properties.FunctionName).includes(logicalIdOf(name)));

  it('should hold one event source mapping per MSK- or Amazon MQ-triggered function and no other', () => {
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(FUNCTIONS.reduce((n, fn) => n + topicsOf(fn).length + (rabbitMqTriggerOf(fn) ? 1 : 0), 0));
  });

  it('should give each MSK-triggered function its topic, batch size and starting position', () => {
    for (const fn of FUNCTIONS.filter((f) => topicsOf(f).length === 1)) {
      const [subscription] = subscriptionsOf(fn);
      expect(mappingOf(fn.name)?.Properties).toMatchObject({
        EventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/triplane/0b4d-1',
        Topics: [subscription?.topic],
        BatchSize: subscription?.batchSize,
        StartingPosition: subscription?.startingPosition,
        AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: subscription?.consumerGroupId },
      });
    }
  });

  it('should give each workflow step its queue, broker and basic-auth secret', () => {
    for (const fn of FUNCTIONS.filter((f) => rabbitMqTriggerOf(f) !== undefined)) {
      expect(mappingOf(fn.name)?.Properties).toMatchObject({
        EventSourceArn: 'arn:aws:mq:us-east-1:123456789012:broker:triplane:b-9bcfa592-423a-4942-879d-eb284b418fc8',
        Queues: [rabbitMqTriggerOf(fn)?.queue],
        BatchSize: rabbitMqTriggerOf(fn)?.batchSize,
        // Its own Amazon MQ user, not the broker's admin.
        SourceAccessConfigurations: [{ Type: 'BASIC_AUTH', URI: { Ref: mqSecretIdOf(fn.name) } }],
      });
    }
  });

  it('should give every step and publisher a RabbitMQ user of its own, made by the deploy hook from its secret', () => {
    const [topology] = ofType('Custom::WorkflowTopology');
    const users = topology?.Properties.Users as Record<string, unknown>;
    const expected = FUNCTIONS.filter(hasMqUser);
    expect(Object.keys(users).sort()).toEqual(expected.map((fn) => `triplane-${fn.name}`).sort());
    for (const fn of expected) {
      // Its secret and its rights travel in the template: the hook holds no list of its own.
      const rights = rabbitMqPermissions(fn);
      expect(users[`triplane-${fn.name}`]).toEqual({ SecretArn: { Ref: mqSecretIdOf(fn.name) }, Configure: rights?.configure, Write: rights?.write, Read: rights?.read });
      const lambda = resources[logicalIdOf(fn.name)]?.Properties as { Environment: { Variables: Record<string, unknown> } };
      expect(lambda.Environment.Variables.RABBITMQ_SECRET_ARN).toEqual({ Ref: mqSecretIdOf(fn.name) });
      expect(JSON.stringify(resources[mqSecretIdOf(fn.name)]?.Properties)).toContain(`triplane-${fn.name}`);
    }
    // Only the hook keeps the admin secret.
    const hook = resources[logicalIdOf('declare-workflow-topology')]?.Properties as { Environment: { Variables: Record<string, unknown> } };
    expect(hook.Environment.Variables.RABBITMQ_SECRET_ARN).toBe('arn:aws:secretsmanager:us-east-1:123456789012:secret:triplane-mq-AbCdEf');
  });

  it('should declare the workflow topology through the custom resource function at deploy time', () => {
    const [topology] = ofType('Custom::WorkflowTopology');
    expect(topology?.Properties).toMatchObject({ ServiceToken: { 'Fn::GetAtt': [logicalIdOf('declare-workflow-topology'), 'Arn'] }, TopologyVersion: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it('should define one dashboard and alarms for lag, queue depth, parking lots, cache memory and evictions, and function errors', () => {
    const [dashboard] = ofType('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of [
      'OffsetLag',
      'MessageCount',
      'Evictions',
      'DatabaseMemoryUsagePercentage',
      'Errors',
      'DuplicatesSkipped',
      'HopLimitRefusals',
      'DeadLettered',
      'SkippedRecords',
      'IdReusedRefusals',
      'PermissionDenied',
    ])
      expect(body).toContain(metric);
    const alarms = ofType('AWS::CloudWatch::Alarm').map((a) => a.Properties);
    const named = (metric: string) => alarms.filter((a) => a.MetricName === metric);
    expect(named('OffsetLag')).toHaveLength(FUNCTIONS.filter((f) => mskTriggerOf(f)).length);
    expect(named('Errors')).toHaveLength(FUNCTIONS.length);
    // RabbitMQ 4 brokers publish no queue metrics: the broker's total, and what each step parks.
    expect(named('MessageCount').map((a) => a.Dimensions)).toEqual([[{ Name: 'Broker', Value: 'triplane' }]]);
    expect(named('DeadLettered')).toHaveLength(FUNCTIONS.filter((f) => rabbitMqTriggerOf(f) !== undefined).length);
    expect(named('Evictions')).toHaveLength(1);
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: 'OpsAlarmTopic' }, { 'Fn::If': ['HasAlarmTopic', { Ref: 'AlarmTopicArn' }, { Ref: 'AWS::NoValue' }] }]);
  });

  it('should subscribe nobody and notify no other topic when the stage leaves alarmEmail and alarmTopicArn empty', () => {
    expect(template.Parameters).toMatchObject({ AlarmEmail: { Default: '' }, AlarmTopicArn: { Default: '' } });
    expect(resources.OpsAlarmEmailSubscription).toMatchObject({ Condition: 'HasAlarmEmail', Properties: { Endpoint: { Ref: 'AlarmEmail' } } });
  });

  it('should take alarmEmail and alarmTopicArn from --param over the empty defaults', () => {
    expect(withAlarmParams.Parameters).toMatchObject({ AlarmEmail: { Default: 'oncall@example.com' }, AlarmTopicArn: { Default: 'arn:aws:sns:us-east-1:123456789012:pager' } });
  });

  it("should give an MSK mapping the FilterCriteria of its function's filterPatterns, and the others none", () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    for (const fn of FUNCTIONS) {
      for (const s of subscriptionsOf(fn)) {
        const mapping = mappings.find((m) => JSON.stringify(m.Properties.FunctionName).includes(logicalIdOf(fn.name)) && JSON.stringify(m.Properties.Topics) === JSON.stringify([s.topic]));
        const filters = (mapping?.Properties.FilterCriteria as { Filters: Array<{ Pattern: string }> } | undefined)?.Filters.map((f) => JSON.parse(f.Pattern) as unknown);
        expect({ fn: fn.name, topic: s.topic, filters }).toEqual({ fn: fn.name, topic: s.topic, filters: s.filterPatterns.length === 0 ? undefined : s.filterPatterns });
      }
    }
    // Lambda reads each Pattern as a JSON string: start-order-workflow is invoked with order.placed records only.
    expect(mappingOf('start-order-workflow')?.Properties.FilterCriteria).toEqual({ Filters: [{ Pattern: '{"value":{"type":["order.placed"]}}' }] });
  });

  it('should give every mapping the batching window serverless.yml gives, 0 included, and start RabbitMQ mappings after the topology', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    for (const fn of FUNCTIONS) {
      for (const s of subscriptionsOf(fn)) {
        const mapping = mappings.find((m) => JSON.stringify(m.Properties.FunctionName).includes(logicalIdOf(fn.name)) && JSON.stringify(m.Properties.Topics) === JSON.stringify([s.topic]));
        expect({ fn: fn.name, topic: s.topic, window: mapping?.Properties.MaximumBatchingWindowInSeconds }).toEqual({ fn: fn.name, topic: s.topic, window: s.maximumBatchingWindow });
      }
      const mq = rabbitMqTriggerOf(fn);
      if (mq !== undefined) {
        const mapping = mappingOf(fn.name);
        expect(mapping?.Properties.MaximumBatchingWindowInSeconds).toBe(mq.maximumBatchingWindow);
        expect(mapping?.DependsOn).toContain('WorkflowTopology');
      }
    }
  });

  it('should hold in the template exactly the roles deploy/ renders from the capability table', () => {
    const rendered = resolveParams(functionRoles(deployedFunctionCatalog()));
    for (const fn of FUNCTIONS) expect(resources[roleIdOf(fn.name)]).toEqual(rendered[roleIdOf(fn.name)]);
    // The framework's shared role would hold the actions of every function at once.
    expect(
      Object.keys(resources)
        .filter((id) => resources[id]?.Type === 'AWS::IAM::Role')
        .sort(),
    ).toEqual(FUNCTIONS.map((fn) => roleIdOf(fn.name)).sort());
  });

  it('should alarm at the first skipped record, reused id or permission refusal, on the dimensions the embedded metrics carry', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map((a) => a.Properties);
    const named = (metric: string) => alarms.filter((a) => a.MetricName === metric);
    const guarded = FUNCTIONS.filter((f) => (f.trigger.kind === 'msk' || f.trigger.kind === 'rabbitmq') && f.guardExemption === undefined);
    const perFunction = (metric: string, fns: typeof FUNCTIONS) => {
      const found = named(metric);
      expect(found.map((a) => (a.Dimensions as Array<{ Name: string; Value: unknown }>).find((d) => d.Name === 'function')?.Value)).toEqual(
        expect.arrayContaining(fns.map((f) => ({ Ref: logicalIdOf(f.name) }))),
      );
      expect(found).toHaveLength(fns.length);
      return found;
    };
    const defects = [
      // A mapping that filters (start-order-workflow) drops records without a word: its handler makes no offset check.
      ...perFunction(
        'SkippedRecords',
        guarded.filter((f) => f.trigger.kind === 'msk' && !filtersRecords(f)),
      ),
      ...perFunction('IdReusedRefusals', guarded),
      ...named('PermissionDenied'),
    ];
    expect(
      named('PermissionDenied')
        .map((a) => (a.Dimensions as Array<{ Name: string; Value: unknown }>).find((d) => d.Name === 'downstream')?.Value)
        .sort(),
    ).toEqual(['rabbitmq', 'redis']);
    for (const a of defects) {
      // Powertools' EMF: the namespace, `service` beside the dimension the code adds, one datapoint enough.
      expect(a).toMatchObject({ Namespace: 'triplane', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1 });
      expect(a.Dimensions).toEqual(expect.arrayContaining([{ Name: 'service', Value: 'triplane' }]));
    }
  });

  it('should give each function a role of its own that names only its own topics, groups and secrets', () => {
    const statementsOf = (name: string) => {
      const role = resources[roleIdOf(name)];
      const policies = (role?.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Array<{ Action: string[]; Resource: unknown[] }> } }>;
      return policies.flatMap((p) => p.PolicyDocument.Statement);
    };
    const topicsFor = (name: string, action: string) =>
      statementsOf(name)
        .filter((s) => s.Action.includes(action))
        .flatMap((s) => s.Resource.map((r) => /topic\/\$\{ClusterPart\}\/([\w.-]+)/.exec(JSON.stringify(r))?.[1]));
    expect(ofType('AWS::Lambda::Function').every((fn) => JSON.stringify(fn.Properties.Role).includes('Role'))).toBe(true);
    expect(resources.IamRoleLambdaExecution).toBeUndefined();
    expect(topicsFor('project-sessions', 'kafka-cluster:ReadData')).toEqual(['sessions']);
    expect(topicsFor('project-sessions', 'kafka-cluster:WriteData')).toEqual(['dead-letters']);
    expect(topicsFor('authorize-payment', 'kafka-cluster:ReadData')).toEqual([]);
    expect(topicsFor('authorize-payment', 'kafka-cluster:WriteData')).toEqual(['orders']);
    // A read route may read its own Redis user's secret and the API keys; beside them only its logs and its network interfaces.
    expect(statementsOf('get-session').filter((s) => s.Action.some((a) => a.startsWith('secretsmanager:')))).toEqual([
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [{ Ref: redisSecretIdOf('get-session') }, { Ref: API_KEYS_SECRET }] },
    ]);
    expect(new Set(statementsOf('get-session').flatMap((s) => s.Action.map((a) => a.split(':')[0])))).toEqual(new Set(['logs', 'ec2', 'secretsmanager']));
    expect(statementsOf('refund-payment').some((s) => s.Action.includes('secretsmanager:GetSecretValue'))).toBe(true);
    expect(JSON.stringify(statementsOf('archive-events'))).toContain('s3:PutObject');
    expect(JSON.stringify(statementsOf('ingest-events'))).not.toContain('s3:');
  });

  it('should give each function that uses Redis an ElastiCache user of its own, read-only for read routes', () => {
    const users = FUNCTIONS.filter(usesRedis);
    for (const fn of users) {
      const user = resources[redisUserIdOf(fn.name)]?.Properties;
      expect(user).toMatchObject({ UserName: `tp.${fn.name}`, Engine: 'redis', AuthenticationMode: { Type: 'password' } });
      expect(JSON.stringify(user?.AuthenticationMode)).toContain(`{{resolve:secretsmanager:\${${redisSecretIdOf(fn.name)}}:SecretString:password}}`);
      const lambda = resources[logicalIdOf(fn.name)]?.Properties as { Environment: { Variables: Record<string, unknown> } };
      expect(lambda.Environment.Variables.REDIS_SECRET_ARN).toEqual({ Ref: redisSecretIdOf(fn.name) });
    }
    const access = (name: string) => String(resources[redisUserIdOf(name)]?.Properties.AccessString);
    expect(access('get-leaderboard')).toContain('%R~tp:g[0-9]-leaderboards:leaderboard:*');
    // Its only writable keys are its rate-limit counters, with the rate-limit script's commands only;
    // every projection key is read-only (%R~).
    expect(
      access('get-leaderboard')
        .split(' ')
        .filter((rule) => rule.startsWith('~')),
    ).toEqual(['~tp:ratelimit:*']);
    expect(access('get-leaderboard')).not.toContain('+@write');
    expect(access('project-leaderboards')).toMatch(/(^| )~tp:g\[0-9\]-leaderboards:leaderboard:\*/);
    // No pattern with a bare `*` before the family: `*` also matches ':' and would reach other families.
    for (const fn of users) expect(access(fn.name)).not.toMatch(/~tp:[^ ]*\*[^ ]*:(idem|ratelimit|session|flags|leaderboard|activity|order)/);
    expect(access('project-leaderboards')).toContain('-@dangerous');
    expect(access('project-sessions')).not.toContain('leaderboard');
    const group = ofType('AWS::ElastiCache::UserGroup')[0]?.Properties;
    expect((group?.UserIds as unknown[]).length).toBe(users.length + 1);
    expect(resources.RedisDefaultUser?.Properties).toMatchObject({ UserName: 'default', AccessString: 'off -@all' });
    // No function without Redis gets a user or a secret.
    expect(resources[redisUserIdOf('declare-workflow-topology')]).toBeUndefined();
  });

  it('should give the HTTP functions, and only them, the API keys secret, by ARN and never by value', () => {
    expect(resources[API_KEYS_SECRET]).toMatchObject({ Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: { GenerateStringKey: 'keys' } } });
    expect((resources[API_KEYS_SECRET]?.Properties as { SecretString?: unknown }).SecretString).toBeUndefined();
    for (const fn of FUNCTIONS) {
      const lambda = resources[logicalIdOf(fn.name)]?.Properties as { Environment?: { Variables: Record<string, unknown> } };
      const variables = lambda.Environment?.Variables ?? {};
      expect(variables.TRIPLANE_API_KEYS).toBeUndefined();
      const role = JSON.stringify(resources[roleIdOf(fn.name)]);
      if (httpTriggerOf(fn) !== undefined) {
        expect(variables.TRIPLANE_API_KEYS_SECRET_ARN).toEqual({ Ref: API_KEYS_SECRET });
        expect(role).toContain(`{"Ref":"${API_KEYS_SECRET}"}`);
      } else {
        expect(variables.TRIPLANE_API_KEYS_SECRET_ARN).toBeUndefined();
        expect(role).not.toContain(API_KEYS_SECRET);
      }
    }
    // No other resource (no policy, no output beyond the ARN's Ref) names the secret's value.
    expect(JSON.stringify(resources)).not.toMatch(/resolve:secretsmanager:[^}]*ApiKeysSecret/);
  });

  it('should route every HTTP function on the HTTP API and run nodejs22.x', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map((r) => r.Properties.RouteKey);
    for (const http of FUNCTIONS.map(httpTriggerOf)) if (http !== undefined) expect(routes).toContain(`${http.method} ${http.path}`);
    const lambdas = ofType('AWS::Lambda::Function');
    expect(lambdas).toHaveLength(FUNCTIONS.length);
    for (const fn of lambdas) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  it('should bundle each function into its own zip without lockfiles or sample events', () => {
    const listing = execFileSync('unzip', ['-l', join(PACKAGE_DIR, 'projectSessions.zip')], { encoding: 'utf8' });
    expect(listing).toMatch(/functions\/project-sessions\/handler\.js/);
    expect(listing).not.toMatch(/package-lock|events\//);
  });
});
