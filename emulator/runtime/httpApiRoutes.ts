export interface CompiledRoute<T> {
  method: string;
  path: string;
  routeKey: string;
  pattern: RegExp;
  params: string[];
  target: T;
}

/**
 * API Gateway HTTP API route matching: `{name}` matches one path segment, `{name+}` the rest of the
 * path; method `*` (ANY) matches every method. Literal routes win over parameterised ones, as in API
 * Gateway, by trying routes with fewer parameters first.
 */
export function compileRoutes<T>(routes: Array<{ method: string; path: string; target: T }>): Array<CompiledRoute<T>> {
  return routes
    .map(({ method, path, target }) => {
      const params: string[] = [];
      const source = path
        .split('/')
        .map((segment) => {
          const greedy = /^\{([A-Za-z0-9_]+)\+\}$/.exec(segment);
          if (greedy?.[1] !== undefined) {
            params.push(greedy[1]);
            return '(.+)';
          }
          const single = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
          if (single?.[1] !== undefined) {
            params.push(single[1]);
            return '([^/]+)';
          }
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      const routeKey = method === '*' ? `ANY ${path}` : `${method} ${path}`;
      return { method, path, routeKey, pattern: new RegExp(`^${source}$`), params, target };
    })
    .sort((a, b) => a.params.length - b.params.length);
}

export function matchRoute<T>(routes: Array<CompiledRoute<T>>, method: string, path: string): { route: CompiledRoute<T>; pathParameters: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== '*' && route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const pathParameters: Record<string, string> = {};
    route.params.forEach((name, i) => {
      pathParameters[name] = match[i + 1] ?? '';
    });
    return { route, pathParameters };
  }
  return undefined;
}
