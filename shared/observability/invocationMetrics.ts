import { functionConfig } from '../config/functionConfig';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { InvocationOutcome } from './functionStats';

/**
 * The counters of every invocation as CloudWatch embedded metrics (Powertools writes one EMF line to
 * stdout; CloudWatch turns it into metrics, no API call on the hot path). Off where there is no
 * CloudWatch to read them (POWERTOOLS_METRICS_DISABLED=true locally, where /ops shows the same figures).
 */
const metrics = new Metrics({ namespace: functionConfig().TRIPLANE_METRICS_NAMESPACE, serviceName: 'triplane' });

export function publishInvocationMetrics(functionName: string, outcome: InvocationOutcome): void {
  metrics.addDimension('function', functionName);
  metrics.addMetric('Invocations', MetricUnit.Count, 1);
  metrics.addMetric('Errors', MetricUnit.Count, outcome.ok ? 0 : 1);
  metrics.addMetric('Duration', MetricUnit.Milliseconds, outcome.durationMs);
  if (outcome.received !== undefined) {
    metrics.addMetric('RecordsReceived', MetricUnit.Count, outcome.received);
    metrics.addMetric('DuplicatesSkipped', MetricUnit.Count, outcome.duplicates ?? 0);
    metrics.addMetric('HopLimitRefusals', MetricUnit.Count, outcome.hopRefused ?? 0);
    metrics.addMetric('IdReusedRefusals', MetricUnit.Count, outcome.idReused ?? 0);
    metrics.addMetric('DeadLettered', MetricUnit.Count, outcome.deadLettered ?? 0);
  }
  metrics.publishStoredMetrics();
}
