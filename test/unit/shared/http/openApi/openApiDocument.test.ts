import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { PROJECT_ROOT } from '../../../../../emulator/services/localPaths';
import { EVENT_CATALOG } from '../../../../../shared/envelope/eventCatalog';
import { eventJsonSchemas } from '../../../../../shared/envelope/eventJsonSchemas';
import { eventComponentName } from '../../../../../shared/http/openApi/eventComponents';
import { OPENAPI_FILE, REGENERATE_COMMAND, projectOpenApiDocument, renderOpenApiDocument } from '../../../../../shared/http/openApi/projectOpenApiDocument';
import { FUNCTIONS, readServerlessFile } from '../../../../../shared/routes/functionCatalog';

type Json = Record<string, unknown>;
const committed = readFileSync(join(PROJECT_ROOT, OPENAPI_FILE), 'utf8');
const document = JSON.parse(committed) as { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };
const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })));

/** serverless.yml's own httpApi events, read as written (not through the catalog the document is built from). */
const serverlessRoutes = Object.entries(readServerlessFile(PROJECT_ROOT).functions as Record<string, { events?: Array<{ httpApi?: { method: string; path: string } }> }>).flatMap(([key, fn]) =>
  (fn.events ?? []).flatMap((event) => (event.httpApi === undefined ? [] : [{ key, route: `${event.httpApi.method.toUpperCase()} ${event.httpApi.path}` }])),
);

describe('the OpenAPI document (openapi/openapi.json)', () => {
  it('should be what the code generates', () => {
    const generated = renderOpenApiDocument(projectOpenApiDocument());
    // Not toBe on the texts: its diff of a 2,000-line file hides what to do about it.
    const problem = committed === generated ? '' : `${OPENAPI_FILE} differs from what the code generates: run \`${REGENERATE_COMMAND}\` and commit it\n${diffLines(committed, generated)}`;
    expect(problem).toBe('');
  });

  it('should hold every httpApi route of serverless.yml, as the operation of its function', () => {
    expect(serverlessRoutes.length).toBeGreaterThan(0);
    for (const { key, route } of serverlessRoutes) expect({ route, operationId: operations.find((op) => op.route === route)?.operation.operationId }).toEqual({ route, operationId: key });
  });

  it('should hold no route that serverless.yml does not declare, but the local runtime pages it marks as such', () => {
    const declared = new Set(serverlessRoutes.map((r) => r.route));
    const extra = operations.filter((op) => !declared.has(op.route));
    expect(extra.map((op) => op.route).sort()).toEqual(['GET /ops', 'GET /ops/assets/uPlot.iife.min.js', 'GET /ops/assets/uPlot.min.css', 'GET /ops/status']);
    for (const op of extra) expect(op.operation['x-triplane-served-by']).toBe('local-runtime');
  });

  it('should require the API key on every route, and document its 401 with the challenge header', () => {
    expect((document as unknown as Json).security).toEqual([{ apiKey: [] }]);
    expect((document.components as Json).securitySchemes).toEqual({ apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }) });
    for (const { route, operation } of operations) {
      expect({ route, security: operation.security }).toEqual({ route, security: undefined });
      expect({ route, headers: Object.keys(((operation.responses as Record<string, Json>)['401']?.headers ?? {}) as Json) }).toEqual({ route, headers: ['www-authenticate'] });
    }
  });

  it("should answer 429 and 503 with retry-after on every function's route", () => {
    const httpFunctions = FUNCTIONS.filter((fn) => fn.trigger.kind === 'http');
    for (const { route, operation } of operations.filter((op) => httpFunctions.some((fn) => fn.key === op.operation.operationId))) {
      const responses = operation.responses as Record<string, Json>;
      expect({ route, 429: responses['429']?.headers, 503: responses['503']?.headers }).toEqual({
        route,
        429: { 'retry-after': expect.objectContaining({ required: true }) },
        503: { 'retry-after': expect.objectContaining({ required: true }) },
      });
    }
  });

  it('should hold the released data schema of every event type a client may send, unchanged, and no other', () => {
    const released = eventJsonSchemas().filter((s) => EVENT_CATALOG[s.type]?.acceptedOverHttp === true);
    expect(released.length).toBeGreaterThan(0);
    for (const { type, version, schema } of released) expect(document.components.schemas[eventComponentName(type, version)]).toEqual(schema);
    const workflowOnly = eventJsonSchemas().filter((s) => EVENT_CATALOG[s.type]?.acceptedOverHttp === false);
    for (const { type, version } of workflowOnly) expect(document.components.schemas).not.toHaveProperty([eventComponentName(type, version)]);
  });

  it('should take POST /events bodies that refer to those schemas, per type and version', () => {
    const variants = (document.components.schemas.IncomingEvent as { anyOf: Array<{ properties: { type: { const: string }; version: { const: number }; data: { $ref: string } } }> }).anyOf;
    expect(variants.map((v) => [v.properties.type.const, v.properties.version.const, v.properties.data.$ref])).toEqual(
      eventJsonSchemas()
        .filter((s) => EVENT_CATALOG[s.type]?.acceptedOverHttp === true)
        .map((s) => [s.type, s.version, `#/components/schemas/${eventComponentName(s.type, s.version)}`]),
    );
  });

  it('should compile every schema it holds (draft 2020-12)', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(document, 'openapi.json');
    for (const name of Object.keys(document.components.schemas)) expect(() => ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` })).not.toThrow();
  });
});

/** The first lines that differ, so a failing run shows what changed without a 2,000-line dump. */
function diffLines(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const first = a.findIndex((line, i) => line !== b[i]);
  const at = first < 0 ? Math.min(a.length, b.length) : first;
  return [`first difference at line ${at + 1}:`, ...a.slice(at, at + 5).map((l) => `- ${l}`), ...b.slice(at, at + 5).map((l) => `+ ${l}`)].join('\n');
}
