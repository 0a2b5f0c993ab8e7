import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { functionStats, type InvocationOutcome } from '../observability/functionStats';
import { publishInvocationMetrics } from '../observability/invocationMetrics';
import { logger } from '../observability/logger';

export interface InvocationLogOptions<TEvent, TResult, TContext extends Context> {
  /** Fields that describe this invocation's outcome (counts, status), added to its one log line. */
  summarize?: (request: Request<TEvent, TResult, Error, TContext>) => Record<string, unknown>;
}

/**
 * One structured JSON line per invocation, with its duration and outcome (errors with their stack),
 * and the same outcome counted for the ops view and published as CloudWatch metrics. Per invocation
 * rather than per record: at 50,000 records/s a line per record would cost more than the work.
 */
export function invocationLog<TEvent, TResult, TContext extends Context>(opts: InvocationLogOptions<TEvent, TResult, TContext> = {}): MiddlewareObj<TEvent, TResult, Error, TContext> {
  const started = new WeakMap<object, number>();
  const fields = (request: Request<TEvent, TResult, Error, TContext>) => ({
    function: request.context.functionName,
    requestId: request.context.awsRequestId,
    durationMs: Math.round((performance.now() - (started.get(request) ?? performance.now())) * 10) / 10,
  });
  const invocationLogBefore = (request: Request<TEvent, TResult, Error, TContext>) => {
    started.set(request, performance.now());
  };
  const count = (request: Request<TEvent, TResult, Error, TContext>, ok: boolean, summary: Record<string, unknown>, durationMs: number) => {
    const number = (key: string) => {
      const value = summary[key];
      return typeof value === 'number' ? value : undefined;
    };
    const outcome: InvocationOutcome = {
      ok,
      durationMs,
      received: number('received'),
      duplicates: number('duplicates'),
      hopRefused: number('hopRefused'),
      idReused: number('idReused'),
      deadLettered: number('deadLettered'),
    };
    functionStats(request.context.functionName).record(outcome);
    publishInvocationMetrics(request.context.functionName, outcome);
  };
  const invocationLogAfter = (request: Request<TEvent, TResult, Error, TContext>) => {
    const summary = opts.summarize?.(request) ?? {};
    const base = fields(request);
    logger.info('invocation', { ...base, ...summary });
    count(request, true, summary, base.durationMs);
  };
  const invocationLogOnError = (request: Request<TEvent, TResult, Error, TContext>) => {
    // An error another middleware already answered (an HTTP 4xx) is an outcome, not a failure.
    if (request.response !== undefined) {
      invocationLogAfter(request);
      return;
    }
    const summary = opts.summarize?.(request) ?? {};
    const base = fields(request);
    logger.error('invocation failed', { ...base, ...summary, error: request.error ?? undefined });
    count(request, false, summary, base.durationMs);
  };
  return { before: invocationLogBefore, after: invocationLogAfter, onError: invocationLogOnError };
}
