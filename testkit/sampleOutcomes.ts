import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../emulator/services/localPaths';
import { withLocalApiKey } from '../emulator/runtime/withLocalApiKey';
import type { FunctionRoute } from '../shared/routes/functionCatalog';
import { TEST_API_KEY } from './testApiKey';

/**
 * The sample events of events/ (emulator/samples/writeSampleEvents.ts) and what each function answers
 * them with against the real services, checked alike for the handlers loaded from source
 * (test/integration/emulator/samples) and for the packaged zips (test/integration/deploy/packagedZips).
 */

/** A function's sample event as `npm run invoke` sends it: HTTP samples get the local key (the files hold none). */
export const sampleEventOf = (name: string): unknown => withLocalApiKey(JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', `${name}.json`), 'utf8')) as unknown, TEST_API_KEY);

/** Reads answer from the projections: their samples run after every other function's. */
export const isSampleRead = (fn: FunctionRoute): boolean => fn.trigger.kind === 'http' && fn.trigger.method === 'GET';

/** What each read answers once the sample projections ran. */
export const SAMPLE_READ_ANSWERS: ReadonlyArray<[string, number, Record<string, unknown>]> = [
  [
    'list-flags',
    200,
    { flags: expect.arrayContaining([expect.objectContaining({ name: 'new-checkout', enabled: true }), expect.objectContaining({ name: 'dark-mode', enabled: true, rollout: 25 })]) },
  ],
  ['get-flag', 200, { name: 'new-checkout', enabled: true }],
  ['get-leaderboard', 200, { board: 'weekly', entries: expect.arrayContaining([expect.objectContaining({ userId: 'user-sample-1' }), expect.objectContaining({ userId: 'user-sample-2' })]) }],
  ['get-user-activity', 200, { lastPath: '/pricing', pageViews: expect.any(Number) }],
  ['get-openapi', 200, { openapi: expect.stringMatching(/^3\.1\./), paths: expect.objectContaining({ '/openapi.json': expect.any(Object) as unknown }) }],
  ['get-order', 200, { orderId: 'order-sample-1', steps: expect.arrayContaining([expect.objectContaining({ type: 'order.placed' })]) }],
  // The sample session started on 2026-01-15 with a one-hour TTL: its absolute expiry has passed.
  ['get-session', 404, { error: expect.stringMatching(/not found/) }],
];

const parsedBody = (response: unknown): unknown => JSON.parse(String((response as { body?: unknown }).body));

/** Checks what a function returned for its sample event (the deploy hook answers on its ResponseURL instead: expectTopologyAnswer). */
export function expectSampleResult(fn: FunctionRoute, result: unknown): void {
  const read = SAMPLE_READ_ANSWERS.find(([name]) => name === fn.name);
  if (read !== undefined) {
    const [, status, body] = read;
    expect(result).toMatchObject({ statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(parsedBody(result)).toMatchObject(body);
  } else if (fn.trigger.kind === 'http') {
    // The ingest route: the sample posts three events, all accepted.
    expect(result).toMatchObject({ statusCode: 202 });
    expect((parsedBody(result) as { accepted: unknown[] }).accepted).toHaveLength(3);
  } else if (fn.name === 'archive-events') {
    expect(result).toEqual({ objects: 1, records: 2 });
  } else if (fn.trigger.kind === 'msk' || fn.trigger.kind === 'rabbitmq') {
    expect(result).toMatchObject({ deadLettered: 0 });
    expect((result as { received?: unknown }).received).toBeGreaterThan(0);
  } else {
    expect(result).toBeUndefined();
  }
}

/**
 * Runs `invoke` with a local HTTP server standing for CloudFormation's presigned ResponseURL and
 * returns what the custom resource sent to it (method and body of each request).
 */
export async function withResponseUrl(invoke: (responseUrl: string) => Promise<void>): Promise<Array<{ method: string; body: string }>> {
  const answers: Array<{ method: string; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      answers.push({ method: String(req.method), body });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await invoke(`http://127.0.0.1:${(server.address() as AddressInfo).port}/answer`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return answers;
}

/** The one answer of the workflow-topology custom resource: a PUT of SUCCESS with what it declared. */
export function expectTopologyAnswer(answers: Array<{ method: string; body: string }>): void {
  expect(answers).toHaveLength(1);
  expect(answers[0]?.method).toBe('PUT');
  expect(JSON.parse(answers[0]?.body ?? '{}')).toMatchObject({ Status: 'SUCCESS', LogicalResourceId: 'WorkflowTopology', Data: { exchanges: 2, queues: 20 } });
}
