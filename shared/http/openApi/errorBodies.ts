import { z } from 'zod';

/**
 * The bodies of the errors the routes answer, as they are built: `{error: reason, ...details}` by the
 * HTTP handler factory's error middleware (shared/middleware/http/httpErrors.ts) from an HttpError, and
 * `{message}` by API Gateway itself (and the local runtime playing it, emulator/runtime/httpApiServer.ts)
 * when no route matches, the body passes its payload limit or the function fails or times out.
 */
const reason = z.string().min(1);
const fieldError = z.strictObject({ field: z.string(), reason: z.string() });
/** All or nothing: an error from POST /events always says that no event was accepted. */
const noneAccepted = z.array(z.never()).max(0);

/** 401, 415, 429: the reason alone. */
export const reasonBody = z.strictObject({ error: reason });

/** 400 for a path parameter or a query parameter: the reason, and which parameter. */
export const badParameterBody = z.strictObject({ error: reason, field: z.string().optional() });

/** 404 of a route: the reason, and the id that was not found under its parameter's name. */
export const notFoundBody = (parameter: string) => z.strictObject({ error: reason, [parameter]: z.string() });

/** 400 of POST /events: every bad field by its path in the body (`events[2].data.userId`). Bodies that are not JSON or not an object carry the reason alone. */
export const invalidEventsBody = z.strictObject({ error: reason, errors: z.array(fieldError).min(1).optional(), accepted: noneAccepted.optional() });

/** 413 of POST /events: the limit passed (body bytes, events per request) or the event that is too large. */
export const eventsTooLargeBody = z.strictObject({
  error: reason,
  maxBytes: z.number().int().optional(),
  maxEvents: z.number().int().optional(),
  errors: z.array(fieldError).min(1).optional(),
  accepted: noneAccepted.optional(),
});

/** 503 of any route: a breaker open, a bulkhead full or a call timed out; the request was fine. */
export const unavailableBody = z.strictObject({ error: reason, retryable: z.literal(true) });

/** 503 of POST /events: Kafka refused or did not confirm; the ids to send again (a retry with them is safe). */
export const eventsUnavailableBody = z.strictObject({ error: reason, retryable: z.literal(true), ids: z.array(z.string()), accepted: noneAccepted.optional() });

/** 500: no internals, only the request id to find the log line by. */
export const internalErrorBody = z.strictObject({ error: z.literal('internal error'), requestId: z.string() });

/** API Gateway's own answers: `Not Found`, `Request Entity Too Large`, `Internal Server Error`. */
export const gatewayBody = z.strictObject({ message: z.string() });
