import { functionConfig } from '../config/functionConfig';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OffsetGap } from '../middleware/idempotency/offsetGaps';
import { logger } from './logger';

/**
 * SkippedRecords, per function, as a CloudWatch embedded metric, with an error log naming the range:
 * records the event source mapping went past without delivering them (offsetGaps.ts). The alarm on
 * it (deploy/renderMonitoring.ts) is the deployed counterpart of the local mapping's count on
 * /ops/status and the doctor's check.
 */
const metrics = new Metrics({ namespace: functionConfig().TRIPLANE_METRICS_NAMESPACE, serviceName: 'triplane' });

export function reportSkippedRecords(functionName: string, consumer: string, gap: OffsetGap): void {
  logger.error(
    'records skipped: the consumer was handed a batch past the offset it expected, so Kafka no longer held the records between (retention, out of range, a moved log start) or the mapping discarded them',
    {
      function: functionName,
      consumer,
      topic: gap.topic,
      partition: gap.partition,
      expectedOffset: gap.expected.toString(),
      firstOffset: gap.first.toString(),
      skippedRecords: gap.records.toString(),
    },
  );
  metrics.addDimension('function', functionName);
  metrics.addMetric('SkippedRecords', MetricUnit.Count, Number(gap.records));
  metrics.publishStoredMetrics();
}
