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
  const walk = (node: unknown, path: PropertyKey[], depth: number): string | undefined => {
    // JSON nests at most as deep as its text is long; 64 levels is far past any event schema.
    if (node === null || typeof node !== 'object' || depth > 64) return undefined;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const found = walk(node[i], [...path, i], depth + 1);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN.has(key)) return fieldPath(base, [...path, key]);
      const found = walk((node as Record<string, unknown>)[key], [...path, key], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(value, [], 0);
}
