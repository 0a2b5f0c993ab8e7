import { z } from 'zod';
import { SAFE_ID_PATTERN } from '../../shared/envelope/eventId';
import { FOLLOW_UP_ID_SUFFIX } from '../../shared/envelope/followUpId';
import { eventsTooLargeBody, eventsUnavailableBody, gatewayBody, invalidEventsBody, reasonBody } from '../../shared/http/openApi/errorBodies';
import { eventDataRef, httpEventSchemas } from '../../shared/http/openApi/eventComponents';
import { defineRouteContract, type JsonSchema } from '../../shared/http/openApi/routeContract';
import { MAX_EVENTS_PER_REQUEST } from './parseIngestRequest';

export const acceptedBody = z.strictObject({
  accepted: z.array(z.strictObject({ index: z.number().int().min(0), id: z.string(), type: z.string(), correlationId: z.string() })).min(1),
  /** Only when the request held one event (not a batch): its id. */
  id: z.string().optional(),
});
export type AcceptedBody = z.infer<typeof acceptedBody>;

const safeId: JsonSchema = { type: 'string', pattern: SAFE_ID_PATTERN.source };
const escaped = FOLLOW_UP_ID_SUFFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One event as a client sends it (shared/envelope/validateIncomingEvent.ts): one shape per type and version. */
function incomingEvent(): JsonSchema {
  return {
    anyOf: httpEventSchemas().map(({ type, version }) => ({
      type: 'object',
      properties: {
        type: { const: type },
        // Version 1 when left out: the documented contract version, which never breaks.
        version: { type: 'integer', const: version },
        id: {
          ...safeId,
          not: { pattern: `${escaped}$` },
          description: `time-sortable ids (ULIDs) are best; made for the client when left out. Ids ending in ${FOLLOW_UP_ID_SUFFIX} are the workflow's.`,
        },
        key: { ...safeId, description: 'the partition key: the natural key of the type (orderId, userId, sessionId, name), which it must equal when given (400 otherwise)' },
        correlationId: { ...safeId, description: 'the event id when left out' },
        data: eventDataRef(type, version),
      },
      required: version === 1 ? ['type', 'data'] : ['type', 'version', 'data'],
      additionalProperties: false,
    })),
  };
}

export const contract = defineRouteContract({
  summary: 'Send events',
  description:
    'One event, or `{events: [...]}` (up to 500). All or nothing: 202 once Kafka acknowledged every event (acks=all), with the id of each; ' +
    'otherwise nothing is accepted. The ids of one request must differ. Workflow outcome types are refused: only the workflow publishes them.',
  requestBody: {
    description: 'An event, or a batch of events',
    mediaType: 'application/json',
    schema: {
      anyOf: [
        { $ref: '#/components/schemas/IncomingEvent' },
        {
          type: 'object',
          properties: { events: { type: 'array', minItems: 1, maxItems: MAX_EVENTS_PER_REQUEST, items: { $ref: '#/components/schemas/IncomingEvent' } } },
          required: ['events'],
          additionalProperties: false,
        },
      ],
    },
  },
  components: { IncomingEvent: incomingEvent() },
  responses: {
    202: { description: 'Every event is in Kafka; each accepted event with its index in the request', body: acceptedBody },
    400: { description: 'Not JSON, or invalid events: every bad field named; nothing was accepted', body: invalidEventsBody },
    413: { description: 'Past 5 MB, 500 events or 256 KB for one event: nothing was accepted', body: [eventsTooLargeBody, gatewayBody] },
    415: {
      description: 'Not application/json (utf-8)',
      body: reasonBody,
      headers: { accept: { description: 'the media type this route takes', schema: { type: 'string', const: 'application/json' } } },
    },
    503: {
      description: 'Kafka refused (breaker open: nothing was stored) or did not confirm (some may be stored): send the same ids again, which is safe',
      body: eventsUnavailableBody,
      headers: { 'retry-after': { description: 'seconds to wait', schema: { type: 'string', pattern: '^[0-9]+$' } } },
    },
  },
});
