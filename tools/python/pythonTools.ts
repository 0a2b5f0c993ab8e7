import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { childEnvironment, localConfig } from '../../emulator/config/localConfig';
import { installMissingDebianPackages } from '../../emulator/services/debianPackages';

/**
 * The Python tools the checks run (cfn-lint with the cfn-lint-serverless rules, checkov, schemathesis),
 * from PyPI into one virtual environment in the tools cache (TRIPLANE_CACHE_DIR). The folder is named
 * by a hash of requirements.txt and constraints.txt, so a changed pin makes a new environment and every
 * clone on the machine shares the same one. First install about a minute; after that, a check of one folder.
 */
const HERE = __dirname;
const REQUIREMENTS = join(HERE, 'requirements.txt');
const CONSTRAINTS = join(HERE, 'constraints.txt');

export type PythonTool = 'cfn-lint' | 'checkov' | 'schemathesis';

function environmentDir(): string {
  const pins = createHash('sha256').update(readFileSync(REQUIREMENTS)).update(readFileSync(CONSTRAINTS)).digest('hex').slice(0, 12);
  return join(localConfig().TRIPLANE_CACHE_DIR, 'python-tools', pins);
}

function python3(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import venv, ensurepip'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // Not this one, or one without venv.
    }
  }
  return undefined;
}

/** Makes the virtual environment unless it is there; returns its folder. */
export function ensurePythonTools(log: (line: string) => void = () => undefined): string {
  const dir = environmentDir();
  if (existsSync(join(dir, 'bin', 'schemathesis'))) return dir;
  let python = python3();
  if (python === undefined) {
    installMissingDebianPackages([['python3-venv', () => false]], (line) => log(`${line} (for the Python tools)`));
    python = python3();
    if (python === undefined) throw new Error('python3 with venv is still missing after apt-get install python3-venv');
  }
  const building = `${dir}.build-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  log('installing cfn-lint, cfn-lint-serverless, checkov and schemathesis from PyPI into a virtual environment (once per machine)');
  try {
    execFileSync(python, ['-m', 'venv', building], { stdio: 'inherit' });
    execFileSync(join(building, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS, '-c', CONSTRAINTS], {
      stdio: 'inherit',
      env: childEnvironment({ PIP_NO_INPUT: '1' }),
    });
    // A rename is atomic: two setups installing at once both end with a whole environment in place. The
    // console scripts' shebangs still name the build folder, so the tools are run by the environment's
    // own python (pythonToolCommand), which finds its environment from its own path.
    if (existsSync(join(dir, 'bin', 'schemathesis'))) return dir;
    renameSync(building, dir);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/** How to run one tool: the environment's python and the tool's script (the environment is made first if needed). */
export function pythonToolCommand(tool: PythonTool, log?: (line: string) => void): { command: string; args: string[] } {
  const dir = ensurePythonTools(log);
  return { command: join(dir, 'bin', 'python'), args: [join(dir, 'bin', tool)] };
}

if (require.main === module) {
  console.log(ensurePythonTools((line) => console.log(`[python-tools] ${line}`)));
}
