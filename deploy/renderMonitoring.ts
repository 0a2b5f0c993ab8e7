import { logicalIdOf } from '../shared/routes/derivedNames';
import { mskTriggerOf, type FunctionRoute } from '../shared/routes/functionCatalog';
import { parkingLotOf, WORKFLOW_STEPS } from '../shared/routes/workflow';

/** Lag or depth past this warns: the same threshold the doctor uses. */
export const BACKLOG_ALARM = 500_000;

const ref = (name: string) => `\${${logicalIdOf(name)}}`;
const mskFunctionsOf = (functions: readonly FunctionRoute[]) => functions.filter((fn) => mskTriggerOf(fn) !== undefined);
/** The event-source functions built on batchHandler: they publish IdReusedRefusals (and, on Kafka, SkippedRecords). */
const guardedFunctionsOf = (functions: readonly FunctionRoute[]) => functions.filter((fn) => (fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq') && fn.guardExemption === undefined);
/** The downstreams whose refusals isPermissionError recognises (Redis ACL, RabbitMQ permissions). */
const PERMISSION_DOWNSTREAMS = ['redis', 'rabbitmq'] as const;
/** triplane's embedded metrics (shared/observability): Powertools adds `service` to the dimensions it is given. */
const METRICS_NAMESPACE = 'triplane';
const queueMetric = (queue: string) => ['AWS/AmazonMQ', 'MessageCount', 'Broker', '${MqBrokerName}', 'VirtualHost', '/', 'Queue', queue];

/**
 * One CloudWatch dashboard for the three planes: MSK consumer lag (OffsetLag of each event source
 * mapping), Amazon MQ queue and parking-lot depth, ElastiCache memory and evictions, function errors,
 * and triplane's own counters (embedded metrics: duplicates skipped, hop-limit refusals, dead letters;
 * and the defects: records skipped, ids reused, permission denied).
 */
export function dashboardBody(functions: readonly FunctionRoute[]): string {
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
      widget(
        'MSK consumer lag (OffsetLag)',
        mskFunctionsOf(functions).map((fn) => ['AWS/Lambda', 'OffsetLag', 'FunctionName', ref(fn.name)]),
        0,
        0,
      ),
      widget(
        'Workflow queue depth',
        WORKFLOW_STEPS.map((s) => queueMetric(s.queue)),
        0,
        12,
      ),
      widget(
        'Parking lots (should be 0)',
        WORKFLOW_STEPS.map((s) => queueMetric(parkingLotOf(s.queue))),
        6,
        0,
      ),
      widget(
        'ElastiCache memory % and evictions',
        [
          ['AWS/ElastiCache', 'DatabaseMemoryUsagePercentage', 'CacheClusterId', '${CacheClusterId}'],
          ['AWS/ElastiCache', 'Evictions', 'CacheClusterId', '${CacheClusterId}', { yAxis: 'right', stat: 'Sum' }],
        ],
        6,
        12,
      ),
      widget(
        'Function errors',
        functions.map((fn) => ['AWS/Lambda', 'Errors', 'FunctionName', ref(fn.name)]),
        12,
        0,
        'Sum',
      ),
      widget(
        'Duplicates skipped, hop-limit refusals, dead letters',
        ['DuplicatesSkipped', 'HopLimitRefusals', 'DeadLettered'].map((metric) => [
          { expression: `SUM(SEARCH('{triplane,function,service} MetricName="${metric}"', 'Sum', 60))`, label: metric, id: metric.toLowerCase() },
        ]),
        12,
        12,
        'Sum',
      ),
      widget(
        'Defects (should be 0): records skipped, ids reused, permission denied',
        [
          ...['SkippedRecords', 'IdReusedRefusals'].map((metric) => [
            { expression: `SUM(SEARCH('{triplane,function,service} MetricName="${metric}"', 'Sum', 60))`, label: metric, id: metric.toLowerCase() },
          ]),
          [{ expression: `SUM(SEARCH('{triplane,downstream,service} MetricName="PermissionDenied"', 'Sum', 60))`, label: 'PermissionDenied', id: 'permissiondenied' }],
        ],
        18,
        0,
        'Sum',
      ),
    ],
  };
  return JSON.stringify(body);
}

/**
 * A CloudWatch alarm. `sustained` (3 of 5 minutes) for levels that may blip (lag, depth, errors);
 * `once` (any one minute) for counts of defects, where a single occurrence is already one too many
 * and would never fill 3 of 5 periods.
 */
const alarm = (description: string, metric: Record<string, unknown>, threshold: number, comparison = 'GreaterThanThreshold', when: 'sustained' | 'once' = 'sustained') => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmDescription: description,
    ...metric,
    Period: 60,
    EvaluationPeriods: when === 'once' ? 1 : 5,
    DatapointsToAlarm: when === 'once' ? 1 : 3,
    Threshold: threshold,
    ComparisonOperator: comparison,
    TreatMissingData: 'notBreaching',
    AlarmActions: [{ Ref: 'OpsAlarmTopic' }],
    OKActions: [{ Ref: 'OpsAlarmTopic' }],
  },
});

const pascal = (name: string) => name.replace(/(^|[-.])([a-z])/g, (_, __, c: string) => c.toUpperCase());
const fnDimension = (fn: FunctionRoute) => [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(fn.name) } }];
const triplaneMetric = (metricName: string, dimension: { Name: string; Value: unknown }) => ({
  Namespace: METRICS_NAMESPACE,
  MetricName: metricName,
  Dimensions: [{ Name: 'service', Value: 'triplane' }, dimension],
  Statistic: 'Sum',
});
const mqDimensions = (queue: string) => [
  { Name: 'Broker', Value: '${param:mqBrokerName}' },
  { Name: 'VirtualHost', Value: '/' },
  { Name: 'Queue', Value: queue },
];

/** The dashboard, an SNS topic for the person on call, and an alarm per signal the dashboard shows. */
export function monitoringResources(functions: readonly FunctionRoute[]): Record<string, unknown> {
  const guardedFunctions = guardedFunctionsOf(functions);
  const resources: Record<string, unknown> = {
    OpsAlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'triplane ${sls:stage} alarms' } },
    OpsDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: 'triplane-${sls:stage}',
        DashboardBody: { 'Fn::Sub': [dashboardBody(functions), { MqBrokerName: '${param:mqBrokerName}', CacheClusterId: '${param:cacheClusterId}' }] },
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
  for (const fn of mskFunctionsOf(functions)) {
    resources[`${pascal(fn.name)}OffsetLagAlarm`] = alarm(
      `${fn.name} is ${BACKLOG_ALARM}+ records behind on its topic`,
      { Namespace: 'AWS/Lambda', MetricName: 'OffsetLag', Dimensions: fnDimension(fn), Statistic: 'Maximum' },
      BACKLOG_ALARM,
    );
  }
  for (const fn of functions) {
    resources[`${pascal(fn.name)}ErrorsAlarm`] = alarm(`${fn.name} invocations fail`, { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: fnDimension(fn), Statistic: 'Sum' }, 0);
  }
  for (const fn of guardedFunctions.filter((f) => f.trigger.kind === 'msk')) {
    // The deployed half of "a consumer never skips records silently": the handler's offset check (offsetGaps.ts).
    resources[`${pascal(fn.name)}SkippedRecordsAlarm`] = alarm(
      `${fn.name} was handed records past the offset it expected: the records between were never processed (retention, out of range, or discarded by the mapping); its log names the topic, partition and range ("records skipped"); replay the projection or re-drive the range`,
      triplaneMetric('SkippedRecords', { Name: 'function', Value: { Ref: logicalIdOf(fn.name) } }),
      0,
      'GreaterThanThreshold',
      'once',
    );
  }
  for (const fn of guardedFunctions) {
    resources[`${pascal(fn.name)}IdReusedAlarm`] = alarm(
      `${fn.name} refused a record whose event id was already used for other content (dead-lettered as "id reused with different content"): a client reusing ids, or someone trying to shadow another caller's event; look it up with archive lookup --event-id`,
      triplaneMetric('IdReusedRefusals', { Name: 'function', Value: { Ref: logicalIdOf(fn.name) } }),
      0,
      'GreaterThanThreshold',
      'once',
    );
  }
  for (const name of PERMISSION_DOWNSTREAMS) {
    resources[`PermissionDenied${pascal(name)}Alarm`] = alarm(
      `a function was refused by ${name} for lack of permission: an access rule or credential does not match the code (a defect, never an outage); the function's error log names the command and key family, and its batches are retried until the rule is fixed`,
      triplaneMetric('PermissionDenied', { Name: 'downstream', Value: name }),
      0,
      'GreaterThanThreshold',
      'once',
    );
  }
  for (const step of WORKFLOW_STEPS) {
    resources[`${pascal(step.queue)}DepthAlarm`] = alarm(
      `${step.queue} holds ${BACKLOG_ALARM}+ messages`,
      { Namespace: 'AWS/AmazonMQ', MetricName: 'MessageCount', Dimensions: mqDimensions(step.queue), Statistic: 'Maximum' },
      BACKLOG_ALARM,
    );
    resources[`${pascal(step.queue)}ParkingLotAlarm`] = alarm(
      `a message was parked in ${parkingLotOf(step.queue)}: read its x-triplane-reason, fix, move it back`,
      { Namespace: 'AWS/AmazonMQ', MetricName: 'MessageCount', Dimensions: mqDimensions(parkingLotOf(step.queue)), Statistic: 'Maximum' },
      0,
    );
  }
  return resources;
}
