import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { HttpError } from '../../http/HttpError';
import { jsonResponse } from '../../http/jsonResponse';
import { logger } from '../../observability/logger';
import { isUnavailable } from '../../resilience/downstream';

/**
 * Turns errors into JSON answers. An HttpError keeps its status and reason; anything else is a 500
 * that names the request id for the logs but never echoes the error (no stack or internals leak).
 */
export function httpErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const httpErrorsOnError = (request: Request<APIGatewayProxyEventV2, APIGatewayProxyResultV2>) => {
    // middy starts a request with response undefined, though its type says null: != covers both.
    if (request.response != null) return;
    const error = request.error;
    if (error instanceof HttpError) {
      request.response = jsonResponse(error.statusCode, { error: error.message, ...error.details }, error.headers);
      return;
    }
    if (isUnavailable(error)) {
      // A circuit open, a bulkhead full or a call timed out: the request was fine, the backend is not.
      request.response = jsonResponse(503, { error: 'temporarily unavailable, retry later', retryable: true }, { 'retry-after': '2' });
      return;
    }
    logger.error('unhandled error', { requestId: request.context.awsRequestId, error: error ?? undefined });
    request.response = jsonResponse(500, { error: 'internal error', requestId: request.context.awsRequestId });
  };
  return { onError: httpErrorsOnError };
}
