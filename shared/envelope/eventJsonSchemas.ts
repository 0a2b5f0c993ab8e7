import * as z from 'zod';
import { EVENT_CATALOG, type EventTypeSpec } from './eventCatalog';

/** One released data schema: what `data` holds for one event type at one version. */
export interface EventJsonSchema {
  type: string;
  version: number;
  /** JSON Schema draft 2020-12, as a consumer validating with any JSON Schema library reads it. */
  schema: Record<string, unknown>;
}

/** Where the released contract of one type and version is committed, relative to the project root. */
export const eventSchemaFile = (type: string, version: number): string => `events/schemas/${type}.v${version}.json`;

/**
 * The JSON Schema of every type and version in a catalog, derived from its zod schemas so the
 * contract and the validation that enforces it cannot drift. `io: 'input'` describes what a producer
 * may send (zod's view before transforms), which is what a consumer reads from the log.
 *
 * @example
 * eventJsonSchemas().find((s) => s.type === 'flag.set' && s.version === 2)?.schema.required; // ['name', 'enabled', 'rollout']
 */
export function eventJsonSchemas(catalog: Readonly<Record<string, EventTypeSpec>> = EVENT_CATALOG): EventJsonSchema[] {
  return Object.entries(catalog).flatMap(([type, spec]) =>
    Object.entries(spec.schemas).map(([version, schema]) => ({
      type,
      version: Number(version),
      schema: { $id: eventSchemaFile(type, Number(version)).slice('events/schemas/'.length), title: `${type} v${version}`, ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) },
    })),
  );
}
