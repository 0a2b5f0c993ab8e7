/**
 * True for an error that says the server could not be reached or the connection broke, before the
 * breaker has opened on it: ioredis gives a request up with MaxRetriesPerRequestError while it
 * reconnects, or rejects with "Connection is closed."; sockets fail with the errno codes below. Such
 * an error is an outage (503, retry later), not a defect of the request (500). A reply the server
 * sent (a script error, a wrong type) is none of these.
 */
export function isConnectionError(error: unknown): boolean {
  // Node's own errors come from another realm under jest (and vm contexts): instanceof alone misses them.
  if (!(error instanceof Error) && Object.prototype.toString.call(error) !== '[object Error]') return false;
  const { name, message } = error as Error;
  if (name === 'MaxRetriesPerRequestError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return /^Connection is closed\.?$/.test(message) || /^Stream isn't writeable/.test(message);
}

const CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
