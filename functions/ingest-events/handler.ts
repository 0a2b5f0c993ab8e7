import { HttpError } from '../../shared/http/HttpError';
import { jsonResponse } from '../../shared/http/jsonResponse';
import { readJsonBody } from '../../shared/http/readJsonBody';
import { requireJsonContentType } from '../../shared/http/requireJsonContentType';
import { httpHandler } from '../../shared/middleware/http/httpHandler';
import { logger } from '../../shared/observability/logger';
import { publishRecords } from '../../shared/publishing/publishToKafka';
import { downstream, isRefused } from '../../shared/resilience/downstream';
import type { AcceptedBody } from './contract';
import { parseIngestRequest } from './parseIngestRequest';

/** 500 events of up to a few KB each fit; API Gateway's own hard limit is 10 MB. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * POST /events: validates, then publishes every event to its topic with acks=all, and answers 202 with
 * each event's id only once Kafka has them all. If Kafka fails mid-way some events may be stored: the
 * 503 gives the ids, and a retry with the same ids is safe because every consumer is idempotent per id.
 */
export const handler = httpHandler(async (event) => {
  requireJsonContentType(event);
  const events = parseIngestRequest(readJsonBody(event, MAX_BODY_BYTES));
  const ids = events.map(({ envelope }) => envelope.id);
  try {
    await publishRecords(events.map(({ record }) => record));
  } catch (cause) {
    // Refused by an open breaker: nothing was sent. Otherwise some events may be stored; either way
    // the same ids can be sent again safely, because every consumer is idempotent per id.
    const refused = isRefused(cause);
    if (!refused) logger.error('publish to kafka failed', { error: cause as Error, events: ids.length });
    throw new HttpError(
      503,
      refused
        ? 'Kafka is unavailable (circuit open): nothing was accepted; retry later with the same ids'
        : 'Kafka did not confirm the events; retry with the same ids (safe: consumers are idempotent per id)',
      {
        details: refused ? { retryable: true, accepted: [], ids } : { retryable: true, ids },
        headers: { 'retry-after': String(downstream('kafka').retryAfterSeconds) },
        cause,
      },
    );
  }
  return jsonResponse(202, {
    accepted: events.map(({ envelope }, index) => ({ index, id: envelope.id, type: envelope.type, correlationId: envelope.correlationId })),
    ...(events.length === 1 ? { id: ids[0] } : {}),
  } satisfies AcceptedBody);
});
