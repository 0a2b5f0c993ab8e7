import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment } from '../../../../emulator/config/localConfig';
import { PROJECT_ROOT } from '../../../../emulator/services/localPaths';
import { FUNCTIONS, type FunctionRoute } from '../../../../shared/routes/functionCatalog';
import { PrivateNamespace } from '../../../../testkit/privateNamespace';
import { PrivateVhost } from '../../../../testkit/privateVhost';
import { expectSampleResult, expectTopologyAnswer, isSampleRead, sampleEventOf, withResponseUrl } from '../../../../testkit/sampleOutcomes';

/**
 * `npm run invoke -- FUNCTION EVENT_FILE` prints what the function returned and ends, for every
 * function: a client left open (a workflow step's RabbitMQ connection, the sandbox's Redis) used to
 * keep the command running forever. Each runs on a Redis namespace and a RabbitMQ virtual host of this
 * test's own, so its steps act (and open their connections) as on a fresh system, and nothing they
 * publish reaches another test's runtime.
 */
const namespace = new PrivateNamespace('tpinvoke');
const RUN = namespace.name;
const vhost = new PrivateVhost(RUN, `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(RUN)}`);
/** Loading a function under tsx takes a few seconds on a busy machine; one that has not ended by then never will. */
const KILL_AFTER_MS = 40_000;
let eventDir: string;

beforeAll(async () => {
  await vhost.create();
  eventDir = mkdtempSync(join(tmpdir(), 'triplane-invoke-'));
}, 60_000);

afterAll(async () => {
  rmSync(eventDir, { recursive: true, force: true });
  await vhost.delete();
  await namespace.delete();
});

async function npmRunInvoke(fn: FunctionRoute, event: unknown): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const eventFile = join(eventDir, `${fn.name}.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  const child = spawn('npm', ['run', '--silent', 'invoke', '--', fn.key, eventFile], {
    cwd: PROJECT_ROOT,
    env: childEnvironment({ TRIPLANE_REDIS_NAMESPACE: RUN, RABBITMQ_URL: vhost.url, POWERTOOLS_LOG_LEVEL: 'ERROR' }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // npm, then tsx, then the command: the whole group goes when it outstays the bound.
  const killer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), KILL_AFTER_MS);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(killer);
  return { code, stdout, stderr };
}

async function expectInvokeEnds(fn: FunctionRoute, event: unknown): Promise<void> {
  const run = await npmRunInvoke(fn, event);
  if (run.code !== 0) console.error(`${fn.key}: exit ${String(run.code)}\n${run.stderr}`);
  expect(run.code).toBe(0);
  // It prints null for a handler that returned nothing, as Lambda's Invoke answers.
  const printed = JSON.parse(run.stdout) as unknown;
  expectSampleResult(fn, printed === null ? undefined : printed);
}

const byKey = (fns: FunctionRoute[]): Array<[string, FunctionRoute]> => fns.map((fn) => [fn.key, fn]);

describe('npm run invoke', () => {
  // Reads answer from what the projections wrote: they run last.
  it.each(byKey(FUNCTIONS.filter((fn) => !isSampleRead(fn) && fn.trigger.kind !== 'deploy-hook')))(
    'should print what %s returned for its sample event and end',
    (_, fn) => expectInvokeEnds(fn, sampleEventOf(fn.name)),
    60_000,
  );

  it.each(byKey(FUNCTIONS.filter(isSampleRead)))('should print what %s answered its sample request and end', (_, fn) => expectInvokeEnds(fn, sampleEventOf(fn.name)), 60_000);

  it('should let the deploy hook answer CloudFormation SUCCESS and end', async () => {
    for (const fn of FUNCTIONS.filter((f) => f.trigger.kind === 'deploy-hook')) {
      const answers = await withResponseUrl((responseUrl) => expectInvokeEnds(fn, { ...(sampleEventOf(fn.name) as Record<string, unknown>), ResponseURL: responseUrl }));
      expectTopologyAnswer(answers);
    }
  }, 60_000);
});
