import { logicalIdOf } from '../shared/routes/derivedNames';
import { filtersRecords, mskTriggerOf, subscriptionsOf, type FunctionRoute } from '../shared/routes/functionCatalog';
import { parkingLotOf, WORKFLOW_STEPS } from '../shared/routes/workflow';
import { alarmActions, alarmTargetResources } from './renderAlarmTargets';

/** Lag or depth past this warns: the same threshold the doctor uses. */
export const BACKLOG_ALARM = 500_000;

const ref = (name: string) => `\${${logicalIdOf(name)}}`;
const mskFunctionsOf = (functions: readonly FunctionRoute[]) => functions.filter((fn) => mskTriggerOf(fn) !== undefined);
/** The event-source functions built on batchHandler: they publish IdReusedRefusals (and, on Kafka, SkippedRecords). */
const guardedFunctionsOf = (functions: readonly FunctionRoute[]) => functions.filter((fn) => (fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq') && fn.guardExemption === undefined);
/**
 * The guarded MSK functions that check their offsets (shared/middleware/idempotency/offsetGaps.ts),
 * after making sure each topic a filtered mapping reads is also read by one of them: what the log
 * itself lost is then still reported on that topic.
 */
function offsetCheckedFunctionsOf(functions: readonly FunctionRoute[]): FunctionRoute[] {
  const checked = guardedFunctionsOf(functions).filter((fn) => fn.trigger.kind === 'msk' && !filtersRecords(fn));
  for (const fn of functions.filter(filtersRecords)) {
    for (const { topic } of subscriptionsOf(fn)) {
      if (!checked.some((c) => subscriptionsOf(c).some((s) => s.topic === topic))) {
        throw new Error(
          `${fn.name}'s mapping filters ${topic}, so its handler cannot check offsets for skipped records, and no other guarded, unfiltered function reads ${topic} to report what the log lost: add one, or drop the filter`,
        );
      }
    }
  }
  return checked;
}
/** The downstreams whose refusals isPermissionError recognises (Redis ACL, RabbitMQ permissions). */
const PERMISSION_DOWNSTREAMS = ['redis', 'rabbitmq'] as const;
/** triplane's embedded metrics (shared/observability): Powertools adds `service` to the dimensions it is given. */
const METRICS_NAMESPACE = 'triplane';
/**
 * Amazon MQ for RabbitMQ 4 publishes broker-level metrics only: no MessageCount per Queue and
 * VirtualHost any more (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-4.html,
 * "Per queue metrics"). The broker's totals show the workflow's backlog; a parking lot is seen where a
 * message is parked instead (stepsOf, DeadLettered).
 */
const brokerMetric = (metric: string) => ['AWS/AmazonMQ', metric, 'Broker', '${MqBrokerName}'];
/** The workflow steps, each with the function that reads its queue: a parked message is counted by that function. */
const stepsOf = (functions: readonly FunctionRoute[]) =>
  WORKFLOW_STEPS.flatMap((step) => {
    const fn = functions.find((f) => f.trigger.kind === 'rabbitmq' && f.trigger.queue === step.queue);
    return fn === undefined ? [] : [{ step, fn }];
  });

/**
 * One CloudWatch dashboard for the three planes: MSK consumer lag (OffsetLag of each event source
 * mapping), the broker's message totals and the messages each step parked, ElastiCache memory and evictions, function errors,
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
      widget('Workflow broker messages (ready, unacknowledged)', ['MessageCount', 'MessageReadyCount', 'MessageUnacknowledgedCount'].map(brokerMetric), 0, 12),
      widget(
        'Messages parked per step (should be 0)',
        stepsOf(functions).map(({ step, fn }) => [METRICS_NAMESPACE, 'DeadLettered', 'service', 'triplane', 'function', ref(fn.name), { label: parkingLotOf(step.queue) }]),
        6,
        0,
        'Sum',
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
 * What a missing datapoint means for an alarm (TreatMissingData). `breaching` where the metric is
 * expected every period while things work, so silence is itself a failure (a cache or broker whose
 * metrics stop, a mapping that stopped polling); `notBreaching` for counts that exist only when
 * something happened (Lambda sends Errors only for invocations, the embedded defect counters only
 * from an invocation), where silence means nothing happened.
 */
type MissingData = 'breaching' | 'notBreaching';

interface AlarmSpec {
  description: string;
  metric: Record<string, unknown>;
  threshold: number;
  missingData: MissingData;
  /**
   * `sustained` (3 of 5 minutes) for levels that may blip (lag, depth, memory); `once` (any one minute)
   * for counts of defects, where a single occurrence is already one too many and would never fill 3 of
   * 5 periods.
   */
  when?: 'sustained' | 'once';
}

const alarm = ({ description, metric, threshold, missingData, when = 'sustained' }: AlarmSpec) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmDescription: missingData === 'breaching' ? `${description} (or the metric stopped arriving)` : description,
    ...metric,
    Period: 60,
    EvaluationPeriods: when === 'once' ? 1 : 5,
    DatapointsToAlarm: when === 'once' ? 1 : 3,
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: missingData,
    AlarmActions: alarmActions(),
    OKActions: alarmActions(),
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

/** The dashboard, the alarms' SNS topic and its subscribers, and an alarm per signal the dashboard shows. */
export function monitoringResources(functions: readonly FunctionRoute[]): Record<string, unknown> {
  const guardedFunctions = guardedFunctionsOf(functions);
  const fnMetric = (metricName: string, fn: FunctionRoute) => triplaneMetric(metricName, { Name: 'function', Value: { Ref: logicalIdOf(fn.name) } });
  const cacheDimensions = [{ Name: 'CacheClusterId', Value: '${param:cacheClusterId}' }];
  const resources: Record<string, unknown> = {
    ...alarmTargetResources(),
    OpsDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: 'triplane-${sls:stage}',
        DashboardBody: { 'Fn::Sub': [dashboardBody(functions), { MqBrokerName: '${param:mqBrokerName}', CacheClusterId: '${param:cacheClusterId}' }] },
      },
    },
    // ElastiCache sends its host and engine metrics every 60 seconds while the node runs
    // (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html): silence means the node or its id is gone.
    CacheEvictionsAlarm: alarm({
      description: 'ElastiCache evicts keys: derived state is being dropped (rebuildable, but reads miss); add memory or cut TTLs',
      metric: { Namespace: 'AWS/ElastiCache', MetricName: 'Evictions', Dimensions: cacheDimensions, Statistic: 'Sum' },
      threshold: 0,
      missingData: 'breaching',
    }),
    CacheMemoryAlarm: alarm({
      description: 'ElastiCache memory above 80%',
      metric: { Namespace: 'AWS/ElastiCache', MetricName: 'DatabaseMemoryUsagePercentage', Dimensions: cacheDimensions, Statistic: 'Maximum' },
      threshold: 80,
      missingData: 'breaching',
    }),
    // The broker's own totals, published while it runs
    // (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-logging-monitoring.html): the
    // whole workflow's backlog, parking lots included, now that RabbitMQ 4 has no per-queue metrics.
    WorkflowBacklogAlarm: alarm({
      description: `the workflow broker holds ${BACKLOG_ALARM}+ messages (ready and unacknowledged, every queue): steps are not keeping up or a parking lot is filling; the ops page and the management API show which queue`,
      metric: { Namespace: 'AWS/AmazonMQ', MetricName: 'MessageCount', Dimensions: [{ Name: 'Broker', Value: '${param:mqBrokerName}' }], Statistic: 'Maximum' },
      threshold: BACKLOG_ALARM,
      missingData: 'breaching',
    }),
  };
  for (const fn of mskFunctionsOf(functions)) {
    // OffsetLag comes from the mapping's pollers, which read the consumer group's offsets
    // (https://aws.amazon.com/blogs/compute/offset-lag-metric-for-amazon-msk-as-an-event-source-for-lambda/):
    // silence is taken to mean the mapping is not polling (disabled, or failing to connect: its
    // StateTransitionReason says why). No AWS page found says whether an idle mapping keeps sending it;
    // if a quiet topic turns out to go silent, this one becomes notBreaching.
    resources[`${pascal(fn.name)}OffsetLagAlarm`] = alarm({
      description: `${fn.name} is ${BACKLOG_ALARM}+ records behind on its topic`,
      metric: { Namespace: 'AWS/Lambda', MetricName: 'OffsetLag', Dimensions: fnDimension(fn), Statistic: 'Maximum' },
      threshold: BACKLOG_ALARM,
      missingData: 'breaching',
    });
  }
  for (const fn of functions) {
    // Lambda sends Errors only for invocations (monitoring-metrics-types): a function nobody called did not fail.
    resources[`${pascal(fn.name)}ErrorsAlarm`] = alarm({
      description: `${fn.name} invocations fail`,
      metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: fnDimension(fn), Statistic: 'Sum' },
      threshold: 0,
      missingData: 'notBreaching',
    });
  }
  // The defect counters below are embedded metrics, written only by an invocation: no datapoint, no defect.
  for (const fn of offsetCheckedFunctionsOf(functions)) {
    // The deployed half of "a consumer never skips records silently": the handler's offset check (offsetGaps.ts).
    resources[`${pascal(fn.name)}SkippedRecordsAlarm`] = alarm({
      description: `${fn.name} was handed records past the offset it expected: the records between were never processed (retention, out of range, or discarded by the mapping); its log names the topic, partition and range ("records skipped"); replay the projection or re-drive the range`,
      metric: fnMetric('SkippedRecords', fn),
      threshold: 0,
      missingData: 'notBreaching',
      when: 'once',
    });
  }
  for (const fn of guardedFunctions) {
    resources[`${pascal(fn.name)}IdReusedAlarm`] = alarm({
      description: `${fn.name} refused a record whose event id was already used for other content (dead-lettered as "id reused with different content"): a client reusing ids, or someone trying to shadow another caller's event; look it up with archive lookup --event-id`,
      metric: fnMetric('IdReusedRefusals', fn),
      threshold: 0,
      missingData: 'notBreaching',
      when: 'once',
    });
  }
  for (const name of PERMISSION_DOWNSTREAMS) {
    resources[`PermissionDenied${pascal(name)}Alarm`] = alarm({
      description: `a function was refused by ${name} for lack of permission: an access rule or credential does not match the code (a defect, never an outage); the function's error log names the command and key family, and its batches are retried until the rule is fixed`,
      metric: triplaneMetric('PermissionDenied', { Name: 'downstream', Value: name }),
      threshold: 0,
      missingData: 'notBreaching',
      when: 'once',
    });
  }
  for (const { step, fn } of stepsOf(functions)) {
    // A step parks a command it gives up on (shared/deadLetters/rabbitMqParkingLot.ts) and counts it in
    // its DeadLettered metric. The broker's own dead-lettering (x-delivery-limit) happens only to a
    // message whose invocations keep failing, which the step's Errors alarm has already reported.
    resources[`${pascal(step.queue)}ParkingLotAlarm`] = alarm({
      description: `${fn.name} parked a message in ${parkingLotOf(step.queue)}: read its x-triplane-reason, fix, move it back`,
      metric: fnMetric('DeadLettered', fn),
      threshold: 0,
      missingData: 'notBreaching',
      when: 'once',
    });
  }
  return resources;
}
