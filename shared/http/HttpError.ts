/**
 * An error that is an HTTP answer: status, a reason a client can act on, optional details and headers
 * (`retry-after`). The error middleware sends it as JSON unchanged; anything else becomes a 500.
 */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, message: string, options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}
