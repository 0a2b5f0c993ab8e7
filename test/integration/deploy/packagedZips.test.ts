import { setEnvironment } from '../../../emulator/config/localConfig';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../../emulator/services/localPaths';
import { localKafka, type LocalKafka } from '../../../emulator/runtime/localKafka';
import { readServerlessWiring } from '../../../emulator/runtime/serverlessFunctions';
import { FUNCTIONS, type FunctionRoute } from '../../../shared/routes/functionCatalog';
import { ensureNode22 } from '../../../tools/node22/node22Runtime';
import { packagedService } from '../../../testkit/packagedService';
import { PrivateNamespace } from '../../../testkit/privateNamespace';
import { invokePackagedZip, type PackagedInvocation } from '../../../testkit/packagedZip/invokePackagedZip';
import { packagedFunctionEnvironment } from '../../../testkit/packagedZip/packagedFunctionEnvironment';
import { expectSampleResult, expectTopologyAnswer, isSampleRead, sampleEventOf, withResponseUrl } from '../../../testkit/sampleOutcomes';

/**
 * What ships is what was tested: each function's zip, alone in an empty folder with no node_modules
 * anywhere above it, loads under Node 22 (Lambda's nodejs22.x) as Lambda loads it, runs once with its
 * sample event against the local services, and then its process ends by itself: nothing the function
 * opened stays open once the runtime's shutdown signal has closed its shared clients.
 */
/** After the handler returned, how long the process may take to end (its clients close in a few ms). */
const ENDS_WITHIN_MS = 3_000;
/** A process still running after this is killed: something kept it alive. */
const KILL_AFTER_MS = 20_000;

const wiring = readServerlessWiring(PROJECT_ROOT);
let zipDir: string;
let node: string;
let kafka: LocalKafka;
// The samples' records carry fixed ids: they are applied where no test runtime's projections wrote (testkit/privateNamespace).
const namespace = new PrivateNamespace('tpzips');
setEnvironment({ TRIPLANE_REDIS_NAMESPACE: namespace.name });

beforeAll(async () => {
  await namespace.create();
  node = ensureNode22();
  kafka = await localKafka();
  zipDir = await packagedService();
}, 180_000);

afterAll(() => namespace.delete());

async function runZip(fn: FunctionRoute, event: unknown): Promise<PackagedInvocation> {
  const functionName = `${wiring.service}-dev-${fn.key}`;
  const env = packagedFunctionEnvironment(fn, functionName, wiring, kafka);
  const run = await invokePackagedZip({ zip: join(zipDir, `${fn.key}.zip`), fn, event, env, node, killAfterMs: KILL_AFTER_MS });
  // Its output says why, when one of the checks below fails.
  if (!run.ok || run.exitCode !== 0) console.error(`${fn.key}: ${JSON.stringify(run.error)}\n${run.output}`);
  expect(run).toMatchObject({ ok: true, killed: false, exitCode: 0, signal: null });
  expect(run.lingeredMs).toBeLessThan(ENDS_WITHIN_MS);
  return run;
}

const byKey = (fns: FunctionRoute[]): Array<[string, FunctionRoute]> => fns.map((fn) => [fn.key, fn]);
// Reads answer from what the projections wrote: they run last. The deploy hook answers on its ResponseURL.
const writers = FUNCTIONS.filter((fn) => !isSampleRead(fn) && fn.trigger.kind !== 'deploy-hook');
const reads = FUNCTIONS.filter(isSampleRead);

describe('packaged zips under Node 22', () => {
  it('should unpack each zip where no node_modules folder lies above it', () => {
    for (let folder = tmpdir(); ; folder = dirname(folder)) {
      expect(existsSync(join(folder, 'node_modules'))).toBe(false);
      if (dirname(folder) === folder) break;
    }
  });

  it('should ship ioredis as patched, with the length of a pipeline read through its prototype (patches/ioredis+6.0.0.patch)', () => {
    const zip = join(zipDir, 'getLeaderboard.zip');
    const bundle = execFileSync('unzip', ['-p', zip, '*.js'], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
    expect(bundle).toContain('this._queue.length');
    expect(bundle).not.toMatch(/Object\.defineProperty\(this,\s*"length"/);
  });

  it.each(byKey(writers))('should load %s from its zip alone, run its sample event and end by itself', async (_, fn) => {
    expectSampleResult(fn, (await runZip(fn, sampleEventOf(fn.name))).value);
  });

  it.each(byKey(reads))('should load %s from its zip alone, answer its sample request and end by itself', async (_, fn) => {
    expectSampleResult(fn, (await runZip(fn, sampleEventOf(fn.name))).value);
  });

  it('should answer CloudFormation SUCCESS from the deploy hook zip and end by itself', async () => {
    const hooks = FUNCTIONS.filter((fn) => fn.trigger.kind === 'deploy-hook');
    expect(hooks.length).toBeGreaterThan(0);
    for (const fn of hooks) {
      const answers = await withResponseUrl(async (responseUrl) => {
        const run = await runZip(fn, { ...(sampleEventOf(fn.name) as Record<string, unknown>), ResponseURL: responseUrl });
        expectSampleResult(fn, run.value);
      });
      expectTopologyAnswer(answers);
    }
  });
});
