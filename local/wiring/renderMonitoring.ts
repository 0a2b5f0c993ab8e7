import { FUNCTIONS, type FunctionRoute } from '../../shared/routes/manifest';
import { parkingLotOf, WORKFLOW_STEPS } from '../../shared/routes/workflow';
import { logicalIdOf } from './logicalIdOf';

/** Lag or depth past this warns: the same threshold the doctor uses. */
export const BACKLOG_ALARM = 500_000;

const ref = (name: string) => `\${${logicalIdOf(name)}}`;
const mskFunctions = FUNCTIONS.filter((fn) => fn.kafka !== undefined);
const queueMetric = (queue: string) => ['AWS/AmazonMQ', 'MessageCount', 'Broker', '${MqBrokerName}', 'VirtualHost', '/', 'Queue', queue];

/**
 * One CloudWatch dashboard for the three planes: MSK consumer lag (OffsetLag of each event source
 * mapping), Amazon MQ queue and parking-lot depth, ElastiCache memory and evictions, function errors,
 * and triplane's own counters (embedded metrics: duplicates skipped, hop-limit refusals, dead letters).
 */
export function dashboardBody(): string {
  const widget = (title: string, metrics: unknown[][], y: number, x: number, stat = 'Maximum') => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: '${AWS::Region}', stat, period: 60, view: 'timeSeries', metrics },
  });
  const body = {
    widgets: [
      widget('MSK consumer lag (OffsetLag)', mskFunctions.map((fn) => ['AWS/Lambda', 'OffsetLag', 'FunctionName', ref(fn.name)]), 0, 0),
      widget('Workflow queue depth', WORKFLOW_STEPS.map((s) => queueMetric(s.queue)), 0, 12),
      widget('Parking lots (should be 0)', WORKFLOW_STEPS.map((s) => queueMetric(parkingLotOf(s.queue))), 6, 0),
      widget(
        'ElastiCache memory % and evictions',
        [
          ['AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', 'CacheClusterId', '${CacheClusterId}'],
          ['AWS/ElastiCache', 'Evictions', 'CacheClusterId', '${CacheClusterId}', { yAxis: 'right', stat: 'Sum' }],
        ],
        6,
        12,
      ),
      widget('Function errors', FUNCTIONS.map((fn) => ['AWS/Lambda', 'Errors', 'FunctionName', ref(fn.name)]), 12, 0, 'Sum'),
      widget(
        'Duplicates skipped, hop-limit refusals, dead letters',
        ['DuplicatesSkipped', 'HopLimitRefusals', 'DeadLettered'].map((metric) => [{ expression: `SUM(SEARCH('{triplane,function,service} MetricName="${metric}"', 'Sum', 60))`, label: metric, id: metric.toLowerCase() }]),
        12,
        12,
        'Sum',
      ),
    ],
  };
  return JSON.stringify(body);
}

const alarm = (description: string, metric: Record<string, unknown>, threshold: number, comparison = 'GreaterThanThreshold') => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmDescription: description,
    ...metric,
    Period: 60,
    EvaluationPeriods: 5,
    DatapointsToAlarm: 3,
    Threshold: threshold,
    ComparisonOperator: comparison,
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: 'OpsAlarmTopic' }],
    OKActions: [{ Ref: 'OpsAlarmTopic' }],
  },
});

const pascal = (name: string) => name.replace(/(^|[-.])([a-z])/g, (_, __, c: string) => c.toUpperCase());
const fnDimension = (fn: FunctionRoute) => [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(fn.name) } }];
const mqDimensions = (queue: string) => [
  { Name: 'Broker', Value: '${param:mqBrokerName}' },
  { Name: 'VirtualHost', Value: '/' },
  { Name: 'Queue', Value: queue },
];

/** The dashboard, an SNS topic for the person on call, and an alarm per signal the dashboard shows. */
export function monitoringResources(): Record<string, unknown> {
  const resources: Record<string, unknown> = {
    OpsAlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'triplane ${sls:stage} alarms' } },
    OpsDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: 'triplane-${sls:stage}',
        DashboardBody: { 'Fn::Sub': [dashboardBody(), { MqBrokerName: '${param:mqBrokerName}', CacheClusterId: '${param:cacheClusterId}' }] },
      },
    },
    CacheEvictionsAlarm: alarm(
      'ElastiCache evicts keys: derived state is being dropped (rebuildable, but reads miss); add memory or cut TTLs',
      { Namespace: 'AWS/ElastiCache', MetricName: 'Evictions', Dimensions: [{ Name: 'CacheClusterId', Value: '${param:cacheClusterId}' }], Statistic: 'Sum' },
      0,
    ),
    CacheMemoryAlarm: alarm(
      'ElastiCache memory above 80%',
      { Namespace: 'AWS/ElastiCache', MetricName: 'DatabaseMemoryUsagePercentage', Dimensions: [{ Name: 'CacheClusterId', Value: '${param:cacheClusterId}' }], Statistic: 'Maximum' },
      80,
    ),
  };
  for (const fn of mskFunctions) {
    resources[`${pascal(fn.name)}OffsetLagAlarm`] = alarm(`${fn.name} is ${BACKLOG_ALARM}+ records behind on its topic`, { Namespace: 'AWS/Lambda', MetricName: 'OffsetLag', Dimensions: fnDimension(fn), Statistic: 'Maximum' }, BACKLOG_ALARM);
  }
  for (const fn of FUNCTIONS) {
    resources[`${pascal(fn.name)}ErrorsAlarm`] = alarm(`${fn.name} invocations fail`, { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: fnDimension(fn), Statistic: 'Sum' }, 0);
  }
  for (const step of WORKFLOW_STEPS) {
    resources[`${pascal(step.queue)}DepthAlarm`] = alarm(`${step.queue} holds ${BACKLOG_ALARM}+ messages`, { Namespace: 'AWS/AmazonMQ', MetricName: 'MessageCount', Dimensions: mqDimensions(step.queue), Statistic: 'Maximum' }, BACKLOG_ALARM);
    resources[`${pascal(step.queue)}ParkingLotAlarm`] = alarm(
      `a message was parked in ${parkingLotOf(step.queue)}: read its x-triplane-reason, fix, move it back`,
      { Namespace: 'AWS/AmazonMQ', MetricName: 'MessageCount', Dimensions: mqDimensions(parkingLotOf(step.queue)), Statistic: 'Maximum' },
      0,
    );
  }
  return resources;
}
