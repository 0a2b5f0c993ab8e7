import { topicsOf, type FunctionRoute } from '../../shared/routes/functionCatalog';
import type { QueueDeclaration } from '../../shared/routes/workflow';

/**
 * The route graph: who feeds whom across both brokers. Nodes are `topic:<name>`, `queue:<name>` and
 * `fn:<name>`; a topic points at the functions consuming it, a function at the topics it produces and
 * the queues its published commands are routed to, a queue at the function it triggers.
 */
export type RouteGraph = ReadonlyMap<string, readonly string[]>;

export interface CommandBinding {
  /** Routing key on the workflow exchange (the command type). */
  routingKey: string;
  queue: string;
}

/** Which queue each command reaches: the queues bound to the workflow exchange, by routing key. */
export const commandBindingsOf = (declarations: readonly QueueDeclaration[], exchange: string): CommandBinding[] =>
  declarations.flatMap((q) => (q.bindTo?.exchange === exchange ? [{ routingKey: q.bindTo.routingKey, queue: q.queue }] : []));

export const fnNode = (name: string): string => `fn:${name}`;
export const isFnNode = (node: string): boolean => node.startsWith('fn:');
export const nodeName = (node: string): string => node.slice(node.indexOf(':') + 1);

export function buildRouteGraph(functions: readonly FunctionRoute[], bindings: readonly CommandBinding[]): RouteGraph {
  const edges = new Map<string, Set<string>>();
  const link = (from: string, to: string) => {
    const targets = edges.get(from) ?? new Set<string>();
    targets.add(to);
    edges.set(from, targets);
    if (!edges.has(to)) edges.set(to, new Set());
  };
  for (const fn of functions) {
    const self = fnNode(fn.name);
    if (!edges.has(self)) edges.set(self, new Set());
    for (const topic of topicsOf(fn)) link(`topic:${topic}`, self);
    if (fn.trigger.kind === 'rabbitmq') link(`queue:${fn.trigger.queue}`, self);
    for (const topic of fn.produces) link(self, `topic:${topic}`);
    for (const command of fn.publishes) {
      const routed = bindings.filter((b) => b.routingKey === command).map((b) => b.queue);
      // An unbound command still goes into the graph under its own name: the cycle is the point here, not routing.
      for (const queue of routed.length > 0 ? routed : [command]) link(self, `queue:${queue}`);
    }
  }
  return new Map([...edges].map(([node, targets]) => [node, [...targets]]));
}

/**
 * The strongly connected components that hold a cycle (more than one node, or a node feeding itself),
 * by Tarjan's algorithm: every message loop of the system lies inside one of them.
 */
export function cyclicComponents(graph: RouteGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  // Recursive on purpose: the graph has tens of nodes, far from any stack limit.
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    const selfLoop = (graph.get(node) ?? []).includes(node);
    if (component.length > 1 || selfLoop) components.push(component.reverse());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

/** One concrete loop through `start` inside its component (breadth-first, so the shortest), for the report. */
export function loopThrough(graph: RouteGraph, component: readonly string[], start: string): string[] {
  const members = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = queue.shift(); head !== undefined; head = queue.shift()) {
    for (const next of graph.get(head) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [head];
        for (let at = previous.get(head); at !== undefined; at = previous.get(at)) path.unshift(at);
        return [...path, start];
      }
      if (!previous.has(next) && next !== start) {
        previous.set(next, head);
        queue.push(next);
      }
    }
  }
  return [start];
}
