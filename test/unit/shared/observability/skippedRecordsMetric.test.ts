/**
 * SkippedRecords goes to CloudWatch as an EMF line on stdout, beside an error log naming the range;
 * checked by parsing the lines, as CloudWatch would, against the dimensions the rendered alarm names
 * (deploy/renderMonitoring.ts: service and function).
 */
describe('reportSkippedRecords', () => {
  it('should log the range at error level and write one EMF line with the service and function dimensions', () => {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    const previous = { metrics: process.env.POWERTOOLS_METRICS_DISABLED, level: process.env.POWERTOOLS_LOG_LEVEL };
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { reportSkippedRecords } = require('../../../../shared/observability/skippedRecordsMetric') as typeof import('../../../../shared/observability/skippedRecordsMetric');
        reportSkippedRecords('triplane-dev-projectLeaderboards', 'project-leaderboards', { topic: 'scores', partition: 4, expected: 100n, first: 130n, records: 30n });
      });
    } finally {
      process.env.POWERTOOLS_METRICS_DISABLED = previous.metrics;
      process.env.POWERTOOLS_LOG_LEVEL = previous.level;
      out.mockRestore();
      err.mockRestore();
    }
    const docs = lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(docs.find((doc) => doc.level === 'ERROR')).toMatchObject({
      consumer: 'project-leaderboards',
      topic: 'scores',
      partition: 4,
      expectedOffset: '100',
      firstOffset: '130',
      skippedRecords: '30',
    });
    const emf = docs.find((doc) => '_aws' in doc);
    expect(emf).toMatchObject({ service: 'triplane', function: 'triplane-dev-projectLeaderboards', SkippedRecords: 30 });
    const directive = (emf?._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }).CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('triplane');
    expect(directive?.Dimensions).toEqual([['service', 'function']]);
  });
});
