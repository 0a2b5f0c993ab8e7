import { setEnvironment } from '../../../../emulator/config/localConfig';
import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { join } from 'node:path';
import { FUNCTIONS, type FunctionRoute } from '../../../../shared/routes/functionCatalog';
import { lambdaContextOf } from '../../../../testkit/lambdaContextOf';
import { PrivateNamespace } from '../../../../testkit/privateNamespace';
import { expectSampleResult, expectTopologyAnswer, isSampleRead, sampleEventOf, withResponseUrl } from '../../../../testkit/sampleOutcomes';

/**
 * Every function runs with its sample event from events/ against the real services, loaded from its
 * source (the packaged zips run the same samples: test/integration/deploy/packagedZips.test.ts).
 */
type Handler = (event: unknown, context: unknown) => Promise<unknown>;
/** Which handler a test runs is known only at run time (it.each over the catalog). */
const callHandler = async (name: string, event: unknown): Promise<unknown> => {
  const { handler } = (await import(join(PROJECT_ROOT, 'functions', name, 'handler'))) as { handler: Handler };
  return handler(event, lambdaContextOf(name));
};
const byName = (fns: FunctionRoute[]): Array<[string, FunctionRoute]> => fns.map((fn) => [fn.name, fn]);

// The samples' records carry fixed ids: they are applied where no test runtime's projections wrote (testkit/privateNamespace).
const namespace = new PrivateNamespace('tpsamples');
setEnvironment({ TRIPLANE_REDIS_NAMESPACE: namespace.name });
beforeAll(() => namespace.create());
afterAll(() => namespace.delete());

describe('sample events', () => {
  // Batches dead-letter nothing, the archive writes one object, the ingest route accepts all three events.
  it.each(byName(FUNCTIONS.filter((fn) => !isSampleRead(fn) && fn.trigger.kind !== 'deploy-hook')))('should run %s with its sample event', async (name, fn) => {
    expectSampleResult(fn, await callHandler(name, sampleEventOf(name)));
  });

  // What each read answers once the sample projections above ran (testkit/sampleOutcomes).
  it.each(byName(FUNCTIONS.filter(isSampleRead)))('should answer %s after the sample projections ran', async (name, fn) => {
    expectSampleResult(fn, await callHandler(name, sampleEventOf(name)));
  });

  it('should answer CloudFormation SUCCESS once the workflow topology is declared', async () => {
    const answers = await withResponseUrl(async (responseUrl) => {
      await callHandler('declare-workflow-topology', { ...(sampleEventOf('declare-workflow-topology') as Record<string, unknown>), ResponseURL: responseUrl });
    });
    expectTopologyAnswer(answers);
  });
});
