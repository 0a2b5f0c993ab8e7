import type { z } from 'zod';

/** One bad field, named by its path from the root of what the client sent (`events[2].data.userId`). */
export interface FieldError {
  field: string;
  reason: string;
}

export function fieldPath(base: string, path: ReadonlyArray<PropertyKey>): string {
  let out = base;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

export function toFieldErrors(base: string, error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    // An unknown key is reported on its parent by zod; naming the key itself tells the client more.
    if (issue.code === 'unrecognized_keys') {
      return { field: fieldPath(base, [...issue.path, issue.keys.join(',')]), reason: 'unknown field' };
    }
    return { field: fieldPath(base, issue.path), reason: issue.message };
  });
}
