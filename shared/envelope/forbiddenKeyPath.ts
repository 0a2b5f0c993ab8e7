import { fieldPath } from './fieldErrors';

/**
 * Keys no event of ours has, and that change what an object is when code copies or merges it
 * (`{...data}`, Object.assign, lodash merge): `__proto__` (JSON.parse makes it an own property, which
 * z.record then drops without a word), `constructor` and `prototype`.
 */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The path (`data.items[0].__proto__`) of the first forbidden own key anywhere in `value`, or
 * undefined. Depth-first over plain objects and arrays, as JSON.parse builds them.
 */
export function forbiddenKeyPath(value: unknown, base: string): string | undefined {
  const found = forbiddenKeyReversed(value, 0);
  return found === undefined ? undefined : fieldPath(base, found.reverse());
}

/**
 * The path to the first forbidden key, innermost first. Built only once one is found, on the way back
 * up: every event of every ingest request is walked, and nearly all of them have none.
 */
function forbiddenKeyReversed(node: unknown, depth: number): PropertyKey[] | undefined {
  // JSON nests at most as deep as its text is long; 64 levels is far past any event schema.
  if (node === null || typeof node !== 'object' || depth > 64) return undefined;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const found = forbiddenKeyReversed(node[i], depth + 1);
      if (found !== undefined) {
        found.push(i);
        return found;
      }
    }
    return undefined;
  }
  const keys = Object.keys(node);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (FORBIDDEN.has(key)) return [key];
    const found = forbiddenKeyReversed((node as Record<string, unknown>)[key], depth + 1);
    if (found !== undefined) {
      found.push(key);
      return found;
    }
  }
  return undefined;
}
