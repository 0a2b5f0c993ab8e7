import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { eventSchemaFile, type EventJsonSchema } from '../../shared/envelope/eventJsonSchemas';
import { parseRetirements, RETIREMENTS_FILE, type VersionRetirement } from './versionRetirements';

const SCHEMA_FILE = /^(.+)\.v([1-9]\d*)\.json$/;
const schemasDir = (root: string) => dirname(join(root, eventSchemaFile('type', 1)));

/** The file's exact text: two-space JSON and a final newline, so a review diff shows one line per change. */
export const schemaFileText = (schema: Record<string, unknown>): string => `${JSON.stringify(schema, null, 2)}\n`;

/** The released contract as committed under events/schemas/, one file per type and version. */
export function readCommittedSchemas(root: string): EventJsonSchema[] {
  const dir = schemasDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const match = SCHEMA_FILE.exec(name);
      if (match === null) return [];
      const [, type = '', version = ''] = match;
      const schema = JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
      if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new Error(`${eventSchemaFile(type, Number(version))}: not a JSON Schema object`);
      return [{ type, version: Number(version), schema: schema as Record<string, unknown> }];
    });
}

/** The retirement records; none when the file does not exist. */
export function readRetirements(root: string): VersionRetirement[] {
  const path = join(root, RETIREMENTS_FILE);
  return existsSync(path) ? parseRetirements(JSON.parse(readFileSync(path, 'utf8')) as unknown) : [];
}

export interface WrittenContract {
  written: string[];
  removed: string[];
  unchanged: number;
}

/**
 * Makes events/schemas/ hold exactly these schemas: changed and new files written, files of versions
 * no longer in the catalog deleted, the retirement records left as they are (they are history).
 */
export function writeCommittedSchemas(root: string, schemas: readonly EventJsonSchema[]): WrittenContract {
  const dir = schemasDir(root);
  mkdirSync(dir, { recursive: true });
  const result: WrittenContract = { written: [], removed: [], unchanged: 0 };
  const wanted = new Set<string>();
  for (const { type, version, schema } of schemas) {
    const file = eventSchemaFile(type, version);
    const path = join(root, file);
    wanted.add(path);
    const text = schemaFileText(schema);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) result.unchanged += 1;
    else {
      writeFileSync(path, text);
      result.written.push(file);
    }
  }
  for (const name of readdirSync(dir).sort()) {
    const match = SCHEMA_FILE.exec(name);
    const path = join(dir, name);
    if (match === null || wanted.has(path)) continue;
    rmSync(path);
    result.removed.push(eventSchemaFile(match[1] ?? '', Number(match[2])));
  }
  if (!existsSync(join(root, RETIREMENTS_FILE))) writeFileSync(join(root, RETIREMENTS_FILE), '[]\n');
  return result;
}
