import { z } from 'zod';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as a plain object. */
export type JsonSchema = Record<string, unknown>;

/** One answer of a route: its body (zod, so the handler can be typed by it, or JSON Schema) and the headers it always carries. */
export interface ResponseContract {
  description: string;
  /**
   * Several shapes for one status are listed apart (the document says anyOf): a function's answer and
   * API Gateway's own, or a route's and the handler factory's.
   */
  body: z.ZodType | JsonSchema | ReadonlyArray<z.ZodType | JsonSchema>;
  /** application/json unless given. */
  mediaType?: string;
  headers?: Readonly<Record<string, { description: string; schema: JsonSchema }>>;
}

export interface ParameterContract {
  description: string;
  schema: JsonSchema;
}

/**
 * The HTTP contract of one route, beside its handler (functions/<name>/contract.ts): what it reads
 * from the query and the body, and its own answers. The method and the path are serverless.yml's; the
 * answers every route shares (API key, rate limit, unavailable, internal error: the HTTP handler
 * factory's) and the path parameters (checked ids, shared/http/pathParameter.ts) are added by the
 * document (openApiDocument.ts), so no route can leave them out.
 */
export interface RouteContract {
  summary: string;
  description: string;
  /** Path parameters that are not ids (every other `{name}` of the path is an id checked by pathId). */
  pathParameters?: Readonly<Record<string, ParameterContract>>;
  query?: Readonly<Record<string, ParameterContract>>;
  requestBody?: { description: string; mediaType: string; schema: JsonSchema };
  /** Schemas the route's own schemas refer to (`#/components/schemas/<name>`). */
  components?: Readonly<Record<string, JsonSchema>>;
  responses: Readonly<Record<number, ResponseContract>>;
}

/** Typed identity, so a contract.ts states its contract and nothing else. */
export const defineRouteContract = <T extends RouteContract>(contract: T): T => contract;

/** A response schema as the document holds it: zod's JSON Schema of what the handler sends, without the per-schema dialect line. */
export function responseSchema(body: z.ZodType | JsonSchema): JsonSchema {
  if (!(body instanceof z.ZodType)) return body;
  const { $schema: _dialect, ...schema } = z.toJSONSchema(body, { target: 'draft-2020-12', io: 'output' }) as JsonSchema;
  return schema;
}
