import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../observability/logger';

export interface InvocationLogOptions<TEvent, TResult, TContext extends Context> {
  /** Fields that describe this invocation's outcome (counts, status), added to its one log line. */
  summarize?: (request: Request<TEvent, TResult, Error, TContext>) => Record<string, unknown>;
}

/**
 * One structured JSON line per invocation, with its duration and outcome; errors are logged with
 * their stack. Per-invocation rather than per-record: at 50,000 records/s a line per record would
 * cost more than the work.
 */
export function invocationLog<TEvent, TResult, TContext extends Context>(
  opts: InvocationLogOptions<TEvent, TResult, TContext> = {},
): MiddlewareObj<TEvent, TResult, Error, TContext> {
  const started = new WeakMap<object, number>();
  const fields = (request: Request<TEvent, TResult, Error, TContext>) => ({
    function: request.context.functionName,
    requestId: request.context.awsRequestId,
    durationMs: Math.round((performance.now() - (started.get(request) ?? performance.now())) * 10) / 10,
  });
  const invocationLogBefore = (request: Request<TEvent, TResult, Error, TContext>) => {
    started.set(request, performance.now());
  };
  const invocationLogAfter = (request: Request<TEvent, TResult, Error, TContext>) => {
    logger.info('invocation', { ...fields(request), ...opts.summarize?.(request) });
  };
  const invocationLogOnError = (request: Request<TEvent, TResult, Error, TContext>) => {
    // An error another middleware already answered (an HTTP 4xx) is an outcome, not a failure.
    if (request.response !== undefined) return invocationLogAfter(request);
    logger.error('invocation failed', { ...fields(request), ...opts.summarize?.(request), error: request.error ?? undefined });
  };
  return { before: invocationLogBefore, after: invocationLogAfter, onError: invocationLogOnError };
}
