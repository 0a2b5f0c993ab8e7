/**
 * The counters go to CloudWatch as embedded metric format lines on stdout (what Powertools writes on
 * Lambda); checked by parsing the line, as CloudWatch would.
 */
describe('publishInvocationMetrics', () => {
  it('should write one EMF line with the function dimension and every counter', () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { publishInvocationMetrics } = require('../../../../shared/observability/invocationMetrics') as typeof import('../../../../shared/observability/invocationMetrics');
        publishInvocationMetrics('project-flags', { ok: true, durationMs: 12.5, received: 500, duplicates: 3, hopRefused: 1, deadLettered: 2 });
      });
    } finally {
      process.env.POWERTOOLS_METRICS_DISABLED = previous;
      write.mockRestore();
    }
    const emf = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((doc) => '_aws' in doc);
    expect(emf).toMatchObject({ function: 'project-flags', Invocations: 1, Errors: 0, Duration: 12.5, RecordsReceived: 500, DuplicatesSkipped: 3, HopLimitRefusals: 1, DeadLettered: 2 });
    const directive = (emf?._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }).CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('triplane');
    expect(directive?.Dimensions.flat()).toContain('function');
  });
});
