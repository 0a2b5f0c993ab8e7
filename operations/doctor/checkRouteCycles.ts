import type { FunctionRoute } from '../../shared/routes/functionCatalog';
import { fail, pass, type CheckResult } from './checkResult';
import { missingGuards, type HandlerGuards } from './requiredGuards';
import { buildRouteGraph, cyclicComponents, fnNode, isFnNode, loopThrough, nodeName, type CommandBinding } from './routeGraph';

export const ROUTE_CYCLES_CHECK = 'route cycles hop-guarded';

const show = (path: readonly string[]) => path.map(nodeName).join(' -> ');

/**
 * A loop between Kafka and RabbitMQ is legitimate (a saga reports back to the topic it started from)
 * only when every function on it carries the guards: the hop guard refuses a message past the hop
 * limit, so a bug that re-emits the same event cannot bounce it forever. Each cycle found (a strongly
 * connected component) fails if any of its functions lacks a guard.
 */
export function checkRouteCycles(functions: readonly FunctionRoute[], bindings: readonly CommandBinding[], handlers: ReadonlyMap<string, HandlerGuards>): CheckResult {
  const graph = buildRouteGraph(functions, bindings);
  const components = cyclicComponents(graph);
  const unguarded: string[] = [];
  const guarded: string[] = [];
  for (const component of components) {
    const fns = component.filter(isFnNode).map(nodeName);
    const first = fns[0];
    const example = first === undefined ? component : loopThrough(graph, component, fnNode(first));
    const lacking = fns.map((fn) => ({ fn, missing: missingGuards(handlers.get(fn)) })).filter((f) => f.missing.length > 0);
    if (lacking.length > 0) unguarded.push(`${show(example)} (unguarded: ${lacking.map((f) => `${f.fn} lacks ${f.missing.join('+')}`).join(', ')})`);
    else guarded.push(`${show(example)} (${fns.length} functions in the loop, all guarded)`);
  }
  if (unguarded.length > 0) {
    return fail(
      ROUTE_CYCLES_CHECK,
      `${unguarded.length} of ${components.length} cycles unguarded: ${unguarded.join('; ')}`,
      'build the handler with kafkaBatchHandler / rabbitMqBatchHandler (shared/middleware/batch), which carry the hop guard and idempotency, or break the loop in the manifest',
    );
  }
  if (components.length === 0) return pass(ROUTE_CYCLES_CHECK, 'no cycle in the route graph');
  return pass(ROUTE_CYCLES_CHECK, `${components.length} cycle${components.length > 1 ? 's' : ''}, hop-guarded: ${guarded.join('; ')}`);
}
