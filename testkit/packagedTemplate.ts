import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT, STATE_DIR } from '../emulator/services/localPaths';

const TEMPLATE = join(PROJECT_ROOT, '.serverless', 'cloudformation-template-update-stack.json');
const LOCK = join(STATE_DIR, 'packaging.lock');
/** What the template is made from: a template newer than all of it is reused. */
const INPUTS = ['serverless.yml', 'package.json', 'deploy', 'functions', 'shared'];
const STALE_LOCK_MS = 5 * 60_000;

function newestInput(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestInput(join(path, name))), stat.mtimeMs);
}

function templateIsFresh(): boolean {
  try {
    return statSync(TEMPLATE).mtimeMs > Math.max(...INPUTS.map((input) => newestInput(join(PROJECT_ROOT, input))));
  } catch {
    return false;
  }
}

/**
 * Runs one packaging at a time: jest runs test files in parallel workers, and two packagings in one
 * folder overwrite each other's .serverless and .esbuild. A lock folder (mkdir is atomic) serializes them.
 */
async function withPackagingLock<T>(packaging: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 2 * STALE_LOCK_MS;
  mkdirSync(STATE_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${LOCK} is held by another packaging for too long`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await packaging();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const packageService = (args: string[], env: NodeJS.ProcessEnv) =>
  promisify(execFile)('npm', ['run', '--silent', 'package', '--', ...args], { cwd: PROJECT_ROOT, env: { ...env, SLS_TELEMETRY_DISABLED: '1' }, maxBuffer: 16 * 1024 * 1024 });

/** The CloudFormation template `npm run package` makes (osls, offline); one newer than every input is reused instead of packaging again. */
export async function packagedTemplatePath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return withPackagingLock(async () => {
    if (!templateIsFresh()) await packageService([], env);
    return TEMPLATE;
  });
}

/** The template packaged with `--param` values given on the command line (`name=value`), in a folder of its own. */
export async function packagedTemplateWithParams(params: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  const out = mkdtempSync(join(tmpdir(), 'triplane-package-'));
  try {
    await withPackagingLock(() => packageService(['--package', out, ...params.map((p) => `--param=${p}`)], env));
    return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as unknown;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
