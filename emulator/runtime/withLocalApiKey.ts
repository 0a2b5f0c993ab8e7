/**
 * An HTTP API event (payload 2.0) with the local key in `x-api-key` when it has none: `npm run invoke`
 * is this machine's operator calling its own function, and the sample events hold no key (no key is
 * ever written into a file of the repository). Any other event is returned as it is.
 */
export function withLocalApiKey(event: unknown, key: string): unknown {
  if (typeof event !== 'object' || event === null || !('requestContext' in event)) return event;
  const headers = 'headers' in event && typeof event.headers === 'object' && event.headers !== null ? (event.headers as Record<string, string>) : {};
  if (Object.hasOwn(headers, 'x-api-key')) return event;
  return { ...event, headers: { ...headers, 'x-api-key': key } };
}
