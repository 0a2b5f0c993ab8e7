import { EVENT_CATALOG } from '../../envelope/eventCatalog';
import { eventJsonSchemas, eventSchemaFile, type EventJsonSchema } from '../../envelope/eventJsonSchemas';
import type { JsonSchema } from './routeContract';

/** `session.started` version 1 -> `session.started.v1`: the released schema file's name (events/schemas/), without `.json`. */
export const eventComponentName = (type: string, version: number): string => eventSchemaFile(type, version).slice('events/schemas/'.length, -'.json'.length);

/** Where a request body refers to the data schema of one type and version. */
export const eventDataRef = (type: string, version: number): JsonSchema => ({ $ref: `#/components/schemas/${eventComponentName(type, version)}` });

/** The released data schema of every type and version a client may send over HTTP (the workflow's own types are not). */
export const httpEventSchemas = (): EventJsonSchema[] => eventJsonSchemas().filter((schema) => EVENT_CATALOG[schema.type]?.acceptedOverHttp === true);
