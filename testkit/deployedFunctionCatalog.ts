import { PROJECT_ROOT } from '../emulator/services/localPaths';
import { factsFromFolder, functionCatalog, readServerlessFile, type FunctionRoute } from '../shared/routes/functionCatalog';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The params a stage gets, as osls merges them: the stage's block over `default`. */
export function stageParams(stage = 'dev'): Record<string, string> {
  const params = (readServerlessFile(PROJECT_ROOT).params ?? {}) as Record<string, Record<string, unknown> | undefined>;
  return Object.fromEntries(Object.entries({ ...params.default, ...params[stage] }).map(([name, value]) => [name, String(value)]));
}

/** A value with its `${param:NAME}` variables replaced by the stage's params, as `serverless package --stage` resolves them. */
export function resolveParams<T>(value: T, params = stageParams()): T {
  const resolve = (node: Json): Json => {
    if (typeof node === 'string') {
      return node.replace(/\$\{param:([A-Za-z0-9]+)\}/g, (_, name: string) => {
        const found = params[name];
        if (found === undefined) throw new Error(`serverless.yml has no param ${name} for this stage`);
        return found;
      });
    }
    if (Array.isArray(node)) return node.map(resolve);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, resolve(child)]));
    return node;
  };
  return resolve(value as Json) as T;
}

/** This project's functions as deploy/serverlessResources.cjs receives them: serverless.yml's `functions` with the stage's params resolved. */
export function deployedFunctionCatalog(stage = 'dev'): FunctionRoute[] {
  const functions = resolveParams(readServerlessFile(PROJECT_ROOT).functions as Json, stageParams(stage));
  return functionCatalog(functions as Record<string, unknown>, factsFromFolder(PROJECT_ROOT));
}
