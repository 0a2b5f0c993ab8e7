import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { runWithDeadline } from '../../resilience/invocationDeadline';
import { invocationLog } from '../invocationLog';
import { redisLogin } from '../redisLogin';
import { apiKeyRateLimit } from './apiKeyRateLimit';
import { apiKeys } from './apiKeys';
import { httpErrors } from './httpErrors';

export type HttpWork = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The handler of an HTTP API (payload 2.0) route: API keys, per-key rate limiting, JSON errors and one
 * log line per request around `work`. `rateLimit: 'in-work'` leaves the count to the work itself, for
 * httpReadHandler only, which counts and reads in one Redis call.
 *
 * @example
 * export const handler = httpHandler(async (event) => jsonResponse(200, { ok: true }));
 */
export function httpHandler(work: HttpWork, options: { rateLimit: 'before-work' | 'in-work' } = { rateLimit: 'before-work' }) {
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(
      invocationLog<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context>({
        summarize: (request) => ({
          route: request.event.routeKey,
          status: typeof request.response === 'object' && request.response !== null ? request.response.statusCode : undefined,
        }),
      }),
    )
    .use(httpErrors())
    .use(redisLogin<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context>())
    .use(apiKeys());
  // A read route counts its request in the same Redis call as its read (httpReadHandler): that is its whole rate limit.
  const handler = (options.rateLimit === 'before-work' ? chain.use(apiKeyRateLimit()) : chain).handler(work);
  // Clients size their timeouts from the time this invocation has left (shared/resilience).
  return (event: APIGatewayProxyEventV2, context: Context) => runWithDeadline(context.getRemainingTimeInMillis(), () => handler(event, context));
}
