import { faultSuiteApiKey } from './faultSuiteApiKey';

/** GET a JSON document from the runtime: status and parsed body (undefined when not JSON), never throwing. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(url, { headers: { 'x-api-key': faultSuiteApiKey }, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      return { status: response.status, body: undefined };
    }
  } catch {
    return { status: 0, body: undefined };
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Runs `fn` over `items` with at most `limit` in flight: hundreds of reads without flooding the runtime. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
    }),
  );
  return results;
}
