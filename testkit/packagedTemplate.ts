import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
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
 * The CloudFormation template `npm run package` makes (osls, offline), packaged at most once at a time:
 * jest runs test files in parallel workers, and two packagings in one folder overwrite each other's
 * .serverless and .esbuild. A lock folder (mkdir is atomic) serializes them, and a template newer than
 * every input is reused instead of packaging again.
 */
export async function packagedTemplatePath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
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
    if (!templateIsFresh()) {
      await promisify(execFile)('npm', ['run', '--silent', 'package'], { cwd: PROJECT_ROOT, env: { ...env, SLS_TELEMETRY_DISABLED: '1' }, maxBuffer: 16 * 1024 * 1024 });
    }
    return TEMPLATE;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
