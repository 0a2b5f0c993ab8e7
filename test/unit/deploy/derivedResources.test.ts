import { PROJECT_ROOT } from '../../../emulator/services/localPaths';
import { derivedResources } from '../../../deploy/derivedResources';
import { mskMappingIdOf, rabbitMqMappingIdOf } from '../../../deploy/eventSourceMappingExtensions';
import { logicalIdOf } from '../../../shared/routes/derivedNames';
import { readServerlessFile } from '../../../shared/routes/functionCatalog';
import { parkingLotOf, WORKFLOW_STEPS } from '../../../shared/routes/workflow';
import { deployedFunctionCatalog, stageParams } from '../../../testkit/deployedFunctionCatalog';

/**
 * What deploy/ adds for alarms and event source mappings, from the real serverless.yml: alarms that
 * mean something when their metric goes silent, somewhere for them to go, and mappings as serverless.yml
 * describes them (a batching window of 0, RabbitMQ after the topology).
 */
const functions = deployedFunctionCatalog();
const derived = derivedResources(functions);
type Alarm = { Type: string; Properties: Record<string, unknown> & { Dimensions?: Array<{ Name: string; Value: unknown }> } };
const alarms = Object.entries(derived.Resources).filter((entry): entry is [string, Alarm] => (entry[1] as Alarm).Type === 'AWS::CloudWatch::Alarm');
const named = (metric: string) => alarms.filter(([, a]) => a.Properties.MetricName === metric);
const functionOf = (a: Alarm) => a.Properties.Dimensions?.find((d) => d.Name === 'function' || d.Name === 'FunctionName')?.Value;

// osls's own naming, to hold our logical ids to the ones it compiles.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- osls ships CommonJS without types
const oslsNaming = require('osls/lib/plugins/aws/lib/naming') as Record<string, (...args: unknown[]) => string>;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
const oslsClusterToken = require('osls/lib/plugins/aws/package/compile/events/msk/get-msk-cluster-name-token') as (arn: unknown) => string;
const osls = (method: string, ...args: unknown[]): string => {
  const fn = oslsNaming[method];
  if (fn === undefined) throw new Error(`osls naming has no ${method}`);
  return fn.apply(oslsNaming, args);
};

describe('alarms', () => {
  it('should breach on missing data where the metric is expected every minute, and not where it only counts events', () => {
    const expected = (a: Alarm) =>
      a.Properties.Namespace === 'AWS/ElastiCache' || a.Properties.Namespace === 'AWS/AmazonMQ' || a.Properties.MetricName === 'OffsetLag' ? 'breaching' : 'notBreaching';
    expect(alarms.length).toBeGreaterThan(40);
    for (const [id, a] of alarms) expect({ id, missing: a.Properties.TreatMissingData }).toEqual({ id, missing: expected(a) });
    expect(named('Errors').every(([, a]) => a.Properties.TreatMissingData === 'notBreaching')).toBe(true);
    expect(named('OffsetLag').every(([, a]) => String(a.Properties.AlarmDescription).endsWith('(or the metric stopped arriving)'))).toBe(true);
  });

  it('should alarm on skipped records for every offset-checked consumer, but not for a mapping that filters, whose topic another checks', () => {
    const skipped = named('SkippedRecords').map(([, a]) => functionOf(a));
    expect(skipped).toContainEqual({ Ref: logicalIdOf('project-orders') });
    // Its filter drops 4 of every 5 orders records: a batch past the expected offset says nothing about loss.
    expect(skipped).not.toContainEqual({ Ref: logicalIdOf('start-order-workflow') });
    expect(named('OffsetLag').map(([, a]) => functionOf(a))).toContainEqual({ Ref: logicalIdOf('start-order-workflow') });
  });

  it('should refuse a filtering mapping on a topic no unfiltered guarded function reads, saying what to do', () => {
    const withoutOrdersProjection = functions.filter((fn) => fn.name !== 'project-orders');
    expect(() => derivedResources(withoutOrdersProjection)).toThrow(
      /start-order-workflow's mapping filters orders, .* no other guarded, unfiltered function reads orders .*: add one, or drop the filter/,
    );
  });

  it('should use no queue-level Amazon MQ metric, which RabbitMQ 4 brokers no longer publish, and watch the broker totals instead', () => {
    for (const [, a] of alarms) expect((a.Properties.Dimensions ?? []).map((d) => d.Name)).not.toEqual(expect.arrayContaining(['Queue']));
    const mq = alarms.filter(([, a]) => a.Properties.Namespace === 'AWS/AmazonMQ');
    expect(mq.map(([, a]) => [a.Properties.MetricName, a.Properties.Dimensions])).toEqual([['MessageCount', [{ Name: 'Broker', Value: '${param:mqBrokerName}' }]]]);
    const dashboard = JSON.stringify(derived.Resources.OpsDashboard);
    expect(dashboard).not.toContain('VirtualHost');
    expect(dashboard).toContain('MessageReadyCount');
  });

  it('should alarm at the first message a step parks, on the DeadLettered count of the function reading that queue', () => {
    const parked = named('DeadLettered');
    expect(parked).toHaveLength(WORKFLOW_STEPS.length);
    for (const step of WORKFLOW_STEPS) {
      const reader = functions.find((fn) => fn.trigger.kind === 'rabbitmq' && fn.trigger.queue === step.queue);
      const alarm = parked.find(([, a]) => JSON.stringify(functionOf(a)) === JSON.stringify({ Ref: logicalIdOf(reader?.name ?? '') }))?.[1];
      expect(alarm?.Properties).toMatchObject({ Namespace: 'triplane', Statistic: 'Sum', Threshold: 0, EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching' });
      expect(String(alarm?.Properties.AlarmDescription)).toContain(parkingLotOf(step.queue));
    }
  });

  it('should notify the stack topic, plus an existing topic and an e-mail only when their params are set', () => {
    const actions = [{ Ref: 'OpsAlarmTopic' }, { 'Fn::If': ['HasAlarmTopic', { Ref: 'AlarmTopicArn' }, { Ref: 'AWS::NoValue' }] }];
    for (const [, a] of alarms) {
      expect(a.Properties.AlarmActions).toEqual(actions);
      expect(a.Properties.OKActions).toEqual(actions);
    }
    expect(derived.Resources.OpsAlarmEmailSubscription).toEqual({
      Type: 'AWS::SNS::Subscription',
      Condition: 'HasAlarmEmail',
      Properties: { TopicArn: { Ref: 'OpsAlarmTopic' }, Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } },
    });
    expect(derived.Parameters).toMatchObject({ AlarmEmail: { Type: 'String', Default: '${param:alarmEmail}' }, AlarmTopicArn: { Type: 'String', Default: '${param:alarmTopicArn}' } });
    expect(derived.Conditions).toMatchObject({
      HasAlarmEmail: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }] },
      HasAlarmTopic: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, ''] }] },
    });
    // Every stage resolves both params (osls fails on an unresolved one), to nothing unless the stage sets them.
    expect((readServerlessFile(PROJECT_ROOT).params as { default: unknown }).default).toEqual({ alarmEmail: '', alarmTopicArn: '' });
    expect(stageParams('prod')).toMatchObject({ alarmEmail: '', alarmTopicArn: '' });
  });
});

describe('event source mappings', () => {
  it('should name each mapping as osls compiles it', () => {
    for (const fn of functions) {
      if (fn.trigger.kind === 'msk')
        for (const s of fn.trigger.subscriptions) expect(mskMappingIdOf(fn, s.clusterArn, s.topic)).toBe(osls('getMSKEventLogicalId', fn.key, oslsClusterToken(s.clusterArn), s.topic));
      if (fn.trigger.kind === 'rabbitmq') expect(rabbitMqMappingIdOf(fn, fn.trigger.queue)).toBe(osls('getRabbitMQEventLogicalId', fn.key, fn.trigger.queue));
    }
    expect(mskMappingIdOf({ name: 'project-sessions' }, { Ref: 'Cluster' }, 'dead-letters')).toBe(
      osls('getMSKEventLogicalId', 'projectSessions', oslsClusterToken({ Ref: 'Cluster' }), 'dead-letters'),
    );
    expect(() => mskMappingIdOf({ name: 'project-sessions' }, '${param:mskClusterArn}', 'sessions')).toThrow(/not a resolved cluster ARN/);
  });

  it('should set a batching window of 0 on every mapping serverless.yml gives 0, and leave the others to osls', () => {
    let zero = 0;
    for (const fn of functions) {
      const windows =
        fn.trigger.kind === 'msk'
          ? fn.trigger.subscriptions.map((s) => ({ id: mskMappingIdOf(fn, s.clusterArn, s.topic), window: s.maximumBatchingWindow }))
          : fn.trigger.kind === 'rabbitmq'
            ? [{ id: rabbitMqMappingIdOf(fn, fn.trigger.queue), window: fn.trigger.maximumBatchingWindow }]
            : [];
      for (const { id, window } of windows) {
        if (window === 0) zero += 1;
        expect(derived.extensions[id]?.Properties?.MaximumBatchingWindowInSeconds).toBe(window === 0 ? 0 : undefined);
      }
    }
    expect(zero).toBeGreaterThan(5);
  });

  it('should create every RabbitMQ mapping after the workflow topology, which declares its queue and its user', () => {
    const steps = functions.filter((fn) => fn.trigger.kind === 'rabbitmq');
    expect(steps).toHaveLength(WORKFLOW_STEPS.length);
    for (const fn of steps) if (fn.trigger.kind === 'rabbitmq') expect(derived.extensions[rabbitMqMappingIdOf(fn, fn.trigger.queue)]?.DependsOn).toEqual(['WorkflowTopology']);
    expect(derived.Resources.WorkflowTopology).toMatchObject({ Type: 'Custom::WorkflowTopology' });
    expect(Object.values(derived.extensions).filter((e) => e.DependsOn?.includes('WorkflowTopology') === true)).toHaveLength(steps.length);
  });
});
