import type { z } from 'zod';
import { SAFE_ID_PATTERN } from '../../envelope/eventId';
import type { EventJsonSchema } from '../../envelope/eventJsonSchemas';
import { API_KEY_CHALLENGE } from '../../middleware/http/apiKeys';
import { badParameterBody, gatewayBody, internalErrorBody, reasonBody, unavailableBody } from './errorBodies';
import { eventComponentName } from './eventComponents';
import { responseSchema, type JsonSchema, type ParameterContract, type ResponseContract, type RouteContract } from './routeContract';

/**
 * Who answers a route, which decides the answers it shares with others: a Lambda function made by the
 * HTTP handler factory (shared/middleware/http/httpHandler.ts: key, rate limit, JSON errors), or the
 * local runtime itself (its ops pages, emulator/ops, which check the key and nothing else).
 */
export type ServedBy = 'function' | 'local-runtime';

export interface DocumentedRoute {
  method: string;
  path: string;
  /** The serverless.yml function key for a function's route. */
  operationId: string;
  servedBy: ServedBy;
  contract: RouteContract;
}

export interface OpenApiInput {
  title: string;
  version: string;
  description: string;
  routes: readonly DocumentedRoute[];
  /** The released data schemas of the event types the routes take, as events/schemas/ holds them. */
  eventSchemas: readonly EventJsonSchema[];
}

/** Error bodies every route shares, named once in components.schemas instead of repeated in each operation. */
const NAMED_BODIES: ReadonlyArray<[z.ZodType, string]> = [
  [reasonBody, 'Error'],
  [badParameterBody, 'ParameterError'],
  [unavailableBody, 'Unavailable'],
  [internalErrorBody, 'InternalError'],
  [gatewayBody, 'GatewayError'],
];

const retryAfter = { 'retry-after': { description: 'seconds to wait before trying again', schema: { type: 'string', pattern: '^[0-9]+$' } } };
const challenge = { 'www-authenticate': { description: 'the scheme and where the key goes', schema: { type: 'string', const: API_KEY_CHALLENGE } } };

/** The answers of every route a function serves: the handler factory's middlewares and API Gateway's failure answer. */
const FUNCTION_RESPONSES: Readonly<Record<number, ResponseContract>> = {
  401: { description: 'No key in the x-api-key header, a wrong one, or a key in the URL (refused with that reason)', body: reasonBody, headers: challenge },
  429: { description: 'Past the rate limit of this API key', body: reasonBody, headers: retryAfter },
  500: { description: 'A defect (logged with the request id) or no API keys configured; API Gateway answers when the function crashed or timed out', body: [internalErrorBody, gatewayBody] },
  503: { description: 'A downstream (Kafka, Redis) is unavailable; the request was fine', body: unavailableBody, headers: retryAfter },
};

const RUNTIME_RESPONSES: Readonly<Record<number, ResponseContract>> = {
  401: FUNCTION_RESPONSES[401] as ResponseContract,
  500: { description: 'A defect of the local runtime, for this request alone', body: gatewayBody },
};

/** Routes with path parameters: a bad id (pathId, 400) and API Gateway's own 404 for a path no route matches (an empty or multi-segment value). */
const PATH_RESPONSES: Readonly<Record<number, ResponseContract>> = {
  400: { description: 'A path parameter that is not 1-128 characters of A-Z a-z 0-9 . _ @ -', body: badParameterBody },
  404: { description: 'No route matches the path', body: gatewayBody },
};

const pathParameterNames = (path: string): string[] => [...path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((match) => match[1] ?? '');

const bodiesOf = (response: ResponseContract): ReadonlyArray<z.ZodType | JsonSchema> =>
  Array.isArray(response.body) ? (response.body as ReadonlyArray<z.ZodType | JsonSchema>) : [response.body as z.ZodType | JsonSchema];

/** Two answers for one status become one: both bodies (anyOf), both header sets, the route's description first. */
function merged(own: ResponseContract | undefined, shared: ResponseContract | undefined): ResponseContract | undefined {
  if (own === undefined || shared === undefined) return own ?? shared;
  const bodies = [...bodiesOf(own)];
  for (const body of bodiesOf(shared)) if (!bodies.includes(body)) bodies.push(body);
  return { description: `${own.description}; or: ${shared.description}`, body: bodies, mediaType: own.mediaType, headers: { ...shared.headers, ...own.headers } };
}

function schemaOf(body: z.ZodType | JsonSchema): JsonSchema {
  const named = NAMED_BODIES.find(([schema]) => schema === body);
  return named === undefined ? responseSchema(body) : { $ref: `#/components/schemas/${named[1]}` };
}

function responseObject(response: ResponseContract): JsonSchema {
  const schemas = bodiesOf(response).map(schemaOf);
  const headers = Object.entries(response.headers ?? {}).map(([name, header]) => [name, { description: header.description, required: true, schema: header.schema }]);
  return {
    description: response.description,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    content: { [response.mediaType ?? 'application/json']: { schema: schemas.length === 1 ? schemas[0] : { anyOf: schemas } } },
  };
}

function parameter(name: string, where: 'path' | 'query', given: ParameterContract | undefined): JsonSchema {
  const id = { description: 'an id: 1-128 characters of A-Z a-z 0-9 . _ @ -', schema: { type: 'string', pattern: SAFE_ID_PATTERN.source } };
  const { description, schema } = given ?? id;
  return { name, in: where, required: where === 'path', description, schema };
}

function operation(route: DocumentedRoute): JsonSchema {
  const { contract } = route;
  const pathNames = pathParameterNames(route.path);
  const shared = { ...(route.servedBy === 'function' ? FUNCTION_RESPONSES : RUNTIME_RESPONSES) };
  const statuses = new Set([...Object.keys(contract.responses), ...Object.keys(shared), ...(pathNames.length > 0 ? Object.keys(PATH_RESPONSES) : [])].map(Number));
  const responses = [...statuses]
    .sort((a, b) => a - b)
    .map((status) => {
      const own = merged(contract.responses[status], pathNames.length > 0 ? PATH_RESPONSES[status] : undefined);
      return [String(status), responseObject(merged(own, shared[status]) as ResponseContract)];
    });
  const parameters = [
    ...pathNames.map((name) => parameter(name, 'path', contract.pathParameters?.[name])),
    ...Object.entries(contract.query ?? {}).map(([name, given]) => parameter(name, 'query', given)),
  ];
  return {
    operationId: route.operationId,
    summary: contract.summary,
    description: contract.description,
    ...(route.servedBy === 'local-runtime' ? { 'x-triplane-served-by': 'local-runtime' } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(contract.requestBody === undefined
      ? {}
      : { requestBody: { description: contract.requestBody.description, required: true, content: { [contract.requestBody.mediaType]: { schema: contract.requestBody.schema } } } }),
    responses: Object.fromEntries(responses),
  };
}

/**
 * The OpenAPI 3.1 document of the routes: paths and operations from each route's place (serverless.yml)
 * and contract, the answers every route shares from the code that gives them, the API key scheme, and
 * the event data schemas exactly as released (events/schemas/), which the request bodies refer to.
 * Pure, so the committed document is checked against it without servers.
 */
export function openApiDocument(input: OpenApiInput): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of input.routes) {
    const methods = (paths[route.path] ??= {});
    const method = route.method.toLowerCase();
    if (method in methods) throw new Error(`two routes for ${route.method} ${route.path}`);
    methods[method] = operation(route);
  }
  const schemas: Record<string, JsonSchema> = {};
  const add = (name: string, schema: JsonSchema) => {
    if (name in schemas) throw new Error(`components.schemas.${name} is defined twice`);
    schemas[name] = schema;
  };
  for (const [body, name] of NAMED_BODIES) add(name, responseSchema(body));
  for (const { type, version, schema } of input.eventSchemas) add(eventComponentName(type, version), schema);
  for (const route of input.routes) for (const [name, schema] of Object.entries(route.contract.components ?? {})) add(name, schema);
  return {
    openapi: '3.1.1',
    info: { title: input.title, version: input.version, description: input.description },
    security: [{ apiKey: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'One of the keys (TRIPLANE_API_KEYS locally, the ApiKeysSecret deployed), in this header only' },
      },
      schemas,
    },
  };
}
