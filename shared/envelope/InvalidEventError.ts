import type { FieldError } from './fieldErrors';

/** An event that breaks the contract; it names the bad fields so a client or an operator can fix it. */
export class InvalidEventError extends Error {
  readonly fields: FieldError[];

  constructor(field: string, reason: string, options?: { cause?: unknown }) {
    super(`${field}: ${reason}`, options);
    this.name = 'InvalidEventError';
    this.fields = [{ field, reason }];
  }

  static of(fields: FieldError[]): InvalidEventError {
    const first = fields[0] ?? { field: '(root)', reason: 'invalid' };
    const error = new InvalidEventError(first.field, first.reason);
    error.fields.splice(0, 1, ...fields);
    error.message = fields.map((f) => `${f.field}: ${f.reason}`).join('; ');
    return error;
  }
}
