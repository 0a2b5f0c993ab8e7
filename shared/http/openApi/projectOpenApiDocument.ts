import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPS_ROUTES } from '../../../emulator/ops/opsRoutes';
import { FUNCTIONS, type FunctionRoute } from '../../routes/functionCatalog';
import { httpEventSchemas } from './eventComponents';
import { openApiDocument, type DocumentedRoute } from './openApiDocument';
import type { JsonSchema, RouteContract } from './routeContract';

const PROJECT_ROOT = join(__dirname, '..', '..', '..');

/** Where the document is committed, relative to the project root; GET /openapi.json serves it. */
export const OPENAPI_FILE = 'openapi/openapi.json';
/** What writes it again after a change of a route, a contract or an event schema. */
export const REGENERATE_COMMAND = 'npm run openapi';

/** The contract of functions/<name>/contract.ts, loaded as a module (tsx or ts-jest compile it). */
function contractOf(fn: FunctionRoute): RouteContract {
  const path = join(PROJECT_ROOT, 'functions', fn.name, 'contract.ts');
  if (!existsSync(path)) throw new Error(`functions/${fn.name}/contract.ts is missing: every HTTP function declares its contract there`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the folder names the module: no static import can.
  return (require(path) as { contract: RouteContract }).contract;
}

/** The routes of this project's functions (serverless.yml's httpApi events), each with its contract. */
export const functionRoutes = (functions: readonly FunctionRoute[] = FUNCTIONS): DocumentedRoute[] =>
  functions.flatMap((fn) => (fn.trigger.kind === 'http' ? [{ method: fn.trigger.method, path: fn.trigger.path, operationId: fn.key, servedBy: 'function' as const, contract: contractOf(fn) }] : []));

/** This project's document: its functions' routes, the local runtime's own pages and the released event schemas. */
export function projectOpenApiDocument(): JsonSchema {
  const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  return openApiDocument({
    title: 'triplane HTTP API',
    version,
    description:
      `The contract of the HTTP API, generated from the code (${REGENERATE_COMMAND}) and checked against the handlers by the tests. ` +
      'Every route needs an API key in the x-api-key header. The routes marked x-triplane-served-by: local-runtime exist only in the local runtime (npm start).',
    routes: [...functionRoutes(), ...OPS_ROUTES],
    eventSchemas: httpEventSchemas(),
  });
}

/** The text committed at OPENAPI_FILE. */
export const renderOpenApiDocument = (document: JsonSchema): string => `${JSON.stringify(document, null, 2)}\n`;

if (require.main === module) {
  writeFileSync(join(PROJECT_ROOT, OPENAPI_FILE), renderOpenApiDocument(projectOpenApiDocument()));
  console.log(`wrote ${OPENAPI_FILE}`);
}
