import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment } from '../emulator/config/localConfig';
import { PROJECT_ROOT, STATE_DIR } from '../emulator/services/localPaths';

/** What `npm run package` writes: the CloudFormation template and one zip per function. */
export const PACKAGE_DIR = join(PROJECT_ROOT, '.serverless');
/** Written after a whole package: a package cut short by a killed run is never taken for a fresh one. */
const DONE_MARKER = join(PACKAGE_DIR, 'triplane-packaged');
const LOCK = join(STATE_DIR, 'package.lock');
/** What the package is made from: a file here newer than the last package makes it stale. */
const SOURCES = ['serverless.yml', 'package.json', 'package-lock.json', 'patches', 'tsconfig.json', 'functions', 'shared', 'deploy'];
const LOCK_STALE_MS = 5 * 60_000;

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

const isFresh = (): boolean =>
  existsSync(DONE_MARKER) && SOURCES.filter((source) => existsSync(join(PROJECT_ROOT, source))).every((source) => newestMtime(join(PROJECT_ROOT, source)) <= statSync(DONE_MARKER).mtimeMs);

async function withLock<T>(run: () => T): Promise<T> {
  mkdirSync(STATE_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test file is packaging; a lock left by a killed run is taken over once it is old.
      const held = statSync(LOCK, { throwIfNoEntry: false });
      if (held !== undefined && Date.now() - held.mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return run();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const packageService = (args: readonly string[]) =>
  execFileSync('npm', ['run', '--silent', 'package', '--', ...args], { cwd: PROJECT_ROOT, stdio: 'pipe', env: childEnvironment({ SLS_TELEMETRY_DISABLED: '1' }) });

/**
 * Packages the service offline (`npm run package`, osls, no AWS account) for every test file that reads
 * what it writes, once: jest runs those files in parallel workers, and two packages writing
 * .serverless/ at once would leave neither whole. The first caller packages under a lock; the others
 * wait for it and reuse its output while no source is newer. Returns the folder.
 */
export async function packagedService(): Promise<string> {
  await withLock(() => {
    if (isFresh()) return;
    rmSync(DONE_MARKER, { force: true });
    packageService([]);
    writeFileSync(DONE_MARKER, `${new Date().toISOString()}\n`);
  });
  return PACKAGE_DIR;
}

/** The CloudFormation template of the shared package (packagedService). */
export const packagedTemplatePath = async (): Promise<string> => join(await packagedService(), 'cloudformation-template-update-stack.json');

/** The template packaged with `--param` values given on the command line (`name=value`), in a folder of its own, under the same lock. */
export async function packagedTemplateWithParams(params: readonly string[]): Promise<unknown> {
  const out = mkdtempSync(join(tmpdir(), 'triplane-package-'));
  try {
    await withLock(() => packageService(['--package', out, ...params.map((p) => `--param=${p}`)]));
    return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as unknown;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
