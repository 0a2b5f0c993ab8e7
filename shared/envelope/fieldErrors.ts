import type * as z from 'zod';

/** One bad field, named by its path from the root of what the client sent (`events[2].data.userId`). */
export interface FieldError {
  field: string;
  reason: string;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `events[2].data.userId`; a key that is not a plain name is quoted (`data["a.b"]`) so the path stays unambiguous. */
export function fieldPath(base: string, path: ReadonlyArray<PropertyKey>): string {
  let out = base;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && PLAIN_KEY.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === '' ? '(root)' : out;
}

export function toFieldErrors(base: string, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    // Unknown keys are reported on their parent by zod; one error per key, naming it, tells the client more.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: fieldPath(base, [...issue.path, key]), reason: 'unknown field' }));
    return [{ field: fieldPath(base, issue.path), reason: issue.message }];
  });
}
