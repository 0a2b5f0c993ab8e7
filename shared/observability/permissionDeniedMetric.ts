import { functionConfig } from '../config/functionConfig';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * PermissionDenied, per downstream, as a CloudWatch embedded metric: an alarm on it catches an access
 * rule or a credential that no longer matches the code, which no breaker or retry would ever fix.
 */
const metrics = new Metrics({ namespace: functionConfig().TRIPLANE_METRICS_NAMESPACE, serviceName: 'triplane' });

export function publishPermissionDenied(downstream: string): void {
  metrics.addDimension('downstream', downstream);
  metrics.addMetric('PermissionDenied', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
