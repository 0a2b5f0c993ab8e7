import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { EventJson } from '../../../../emulator/runtime/eventJson';
import { loadFunction } from '../../../../emulator/runtime/loadedFunction';
import type { FunctionRoute } from '../../../../shared/routes/functionCatalog';

/**
 * A function loaded in this thread (the benchmarks', replay's and `npm run invoke`'s way) is handed what
 * an MSK mapping hands every invoker, an EventJson: it must get the parsed event, as its worker would.
 */
const fixture: FunctionRoute = {
  name: 'fixture',
  key: 'fixture',
  modulePath: 'test/unit/emulator/runtime/workerFixture/handler',
  exportName: 'handler',
  description: 'a worker fixture touching no server',
  timeoutSeconds: 3,
  memoryMb: 256,
  trigger: { kind: 'http', method: 'GET', path: '/fixture' },
  produces: [],
  publishes: [],
  redis: { reads: [], writes: [] },
};

describe('loadFunction', () => {
  it("should hand the handler an EventJson's parsed event, and any other event as it is", async () => {
    const invoke = loadFunction(PROJECT_ROOT, fixture, 'fn-loaded');
    const text = '{"action":"echo","records":{"t-0":[{"offset":1,"headers":[{"__proto__":[104,-61]}]}]}}';
    const answer = (await invoke(new EventJson(text))) as { event: unknown };
    expect(answer.event).toEqual(JSON.parse(text));
    expect(answer.event).not.toBeInstanceOf(EventJson);
    const plain = { action: 'echo', n: 1 };
    expect(((await invoke(plain)) as { event: unknown }).event).toBe(plain);
  });
});
