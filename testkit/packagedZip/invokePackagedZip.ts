import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaContext } from '../../emulator/runtime/lambdaContext';
import type { FunctionRoute } from '../../shared/routes/functionCatalog';

const STAND_IN = join(__dirname, 'lambdaRuntimeStandIn.cjs');

export interface PackagedInvocation {
  /** The handler returned (`value`) or threw (`error`); `initFailed` when it could not even load. */
  ok: boolean;
  value?: unknown;
  error?: { name?: string; message?: string; stack?: string };
  initFailed?: boolean;
  /** Loading the handler's module (the zip's cold init, after Node's own start). */
  initMs?: number;
  invokeMs?: number;
  /** From the process's start to its end, as the test saw it. */
  processMs: number;
  /** From the handler's return (and the shutdown signal, if the code listens for one) to the process's end. */
  lingeredMs?: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the process had to be killed after `killAfterMs`: something kept it alive. */
  killed: boolean;
  output: string;
}

/**
 * Lambda's own variables for a function of the nodejs22.x runtime (the ones the code or the runtime
 * could read; NODE_PATH is left out on purpose: on Lambda it reaches the runtime's SDK, which a zip
 * must not rely on). https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
function lambdaVariables(fn: FunctionRoute, taskRoot: string, functionName: string): NodeJS.ProcessEnv {
  return {
    _HANDLER: `${fn.modulePath}.${fn.exportName}`,
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin:/bin',
  };
}

/**
 * Unpacks a function's zip alone into an empty folder under the system's temporary folder (no
 * node_modules above it) and runs its handler once under `node` (tools/node22) with `env` and Lambda's
 * own variables, through lambdaRuntimeStandIn.cjs. Resolves when the process has ended, by itself or
 * killed after `killAfterMs`; the folder is removed.
 */
export async function invokePackagedZip(options: { zip: string; fn: FunctionRoute; event: unknown; env: NodeJS.ProcessEnv; node: string; killAfterMs: number }): Promise<PackagedInvocation> {
  const { fn } = options;
  const taskRoot = mkdtempSync(join(tmpdir(), `triplane-zip-${fn.key}-`));
  const io = mkdtempSync(join(tmpdir(), `triplane-zip-io-${fn.key}-`));
  try {
    execFileSync('unzip', ['-q', options.zip, '-d', taskRoot]);
    const functionName = options.env.AWS_LAMBDA_FUNCTION_NAME ?? `triplane-dev-${fn.key}`;
    // The context's plain fields travel as JSON; the stand-in gives it getRemainingTimeInMillis again.
    const { awsRequestId, callbackWaitsForEmptyEventLoop, functionVersion, invokedFunctionArn, logGroupName, logStreamName, memoryLimitInMB } = lambdaContext(
      functionName,
      fn.timeoutSeconds,
      fn.memoryMb,
    );
    const context = { awsRequestId, callbackWaitsForEmptyEventLoop, functionName, functionVersion, invokedFunctionArn, logGroupName, logStreamName, memoryLimitInMB };
    const requestFile = join(io, 'request.json');
    const resultFile = join(io, 'result.json');
    writeFileSync(requestFile, JSON.stringify({ event: options.event, context, timeoutMs: fn.timeoutSeconds * 1000 }));
    const started = Date.now();
    const child = spawn(options.node, [STAND_IN, `${fn.modulePath}.${fn.exportName}`, requestFile, resultFile], {
      cwd: taskRoot,
      env: { ...options.env, ...lambdaVariables(fn, taskRoot, functionName) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let killed = false;
    const killer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.killAfterMs);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (code, sig) => resolve([code, sig])));
    clearTimeout(killer);
    const ended = Date.now();
    let result: Omit<PackagedInvocation, 'processMs' | 'exitCode' | 'signal' | 'killed' | 'output' | 'lingeredMs'> & { returnedAt?: number } = { ok: false };
    try {
      result = JSON.parse(readFileSync(resultFile, 'utf8')) as typeof result;
    } catch {
      result = { ok: false, error: { message: 'the process wrote no result' } };
    }
    const { returnedAt, ...rest } = result;
    return { ...rest, processMs: ended - started, lingeredMs: returnedAt === undefined ? undefined : ended - returnedAt, exitCode, signal, killed, output };
  } finally {
    rmSync(taskRoot, { recursive: true, force: true });
    rmSync(io, { recursive: true, force: true });
  }
}
