import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CATALOG, type EventTypeSpec } from '../../../../shared/envelope/eventCatalog';
import { eventJsonSchemas, eventSchemaFile } from '../../../../shared/envelope/eventJsonSchemas';
import { readCommittedSchemas, readRetirements, schemaFileText } from '../../../../operations/schemas/committedSchemas';

const root = join(__dirname, '..', '..', '..', '..');

describe('the released event schemas (events/schemas/)', () => {
  it('should be exactly what the catalog generates now: run `npm run schemas -- write` after an accepted change', () => {
    const generated = eventJsonSchemas();
    const files = readdirSync(join(root, 'events', 'schemas'))
      .filter((name) => name !== 'retired.json')
      .sort();
    expect(files).toEqual(generated.map((s) => eventSchemaFile(s.type, s.version).slice('events/schemas/'.length)).sort());
    for (const { type, version, schema } of generated) expect(readFileSync(join(root, eventSchemaFile(type, version)), 'utf8')).toBe(schemaFileText(schema));
  });

  it('should hold one draft 2020-12 schema per type and version of the catalog', () => {
    const committed = readCommittedSchemas(root);
    const expected = Object.entries(EVENT_CATALOG).flatMap(([type, spec]: [string, EventTypeSpec]) => Object.keys(spec.schemas).map((v) => `${type} v${v}`));
    expect(committed.map((s) => `${s.type} v${s.version}`).sort()).toEqual(expected.sort());
    for (const { schema } of committed) expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('should have a valid retirement record file', () => {
    expect(() => readRetirements(root)).not.toThrow();
  });
});
