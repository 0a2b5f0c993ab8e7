import { factsFromFolder, functionCatalog, readServerlessFile, type FunctionRoute } from '../../shared/routes/functionCatalog';

export interface ServerlessWiring {
  service: string;
  /** provider.environment as written (`${param:...}` entries are deploy-only: resolveLocalValue). */
  environment: Record<string, string>;
  /** Every function, its serverless.yml entry joined with its function.ts (shared/routes/functionCatalog). */
  functions: FunctionRoute[];
}

type Yaml = Record<string, unknown>;
const asRecord = (value: unknown): Yaml => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Yaml) : {});

/**
 * What the local runtime runs, read from serverless.yml itself (through the same catalog the package
 * step uses), so what runs on a laptop is what deploys: a timeout or a batch size edited there is the
 * one both see.
 */
export function readServerlessWiring(projectRoot: string): ServerlessWiring {
  const config = readServerlessFile(projectRoot);
  const provider = asRecord(config.provider);
  const environment = Object.fromEntries(Object.entries(asRecord(provider.environment)).map(([name, value]) => [name, String(value)]));
  return { service: typeof config.service === 'string' ? config.service : 'service', environment, functions: functionCatalog(asRecord(config.functions), factsFromFolder(projectRoot)) };
}

/**
 * The value of a provider environment entry on this machine: literals as written, `${env:NAME, 'x'}`
 * from the environment or its default; anything else (`${param:...}`) is deploy-only and left out.
 */
export function resolveLocalValue(value: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!value.includes('${')) return value;
  const match = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?:,\s*'([^']*)')?\}$/.exec(value);
  if (match === null) return undefined;
  const [, name, fallback] = match;
  return (name !== undefined ? env[name] : undefined) ?? fallback;
}
