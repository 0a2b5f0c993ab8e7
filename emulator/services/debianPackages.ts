import { execFileSync } from 'node:child_process';
import { childEnvironment } from '../config/localConfig';

/** True when `command` is on the PATH. */
export function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs with apt-get (as root, non-interactively) the Debian packages whose check says they are
 * missing, in one apt run; nothing when all are present, so a second setup costs only the checks.
 */
export function installMissingDebianPackages(wanted: ReadonlyArray<readonly [pkg: string, present: () => boolean]>, log: (message: string) => void): void {
  const missing = wanted.filter(([, present]) => !present()).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  log(`installing ${missing.join(' ')} with apt-get`);
  const env = childEnvironment({ DEBIAN_FRONTEND: 'noninteractive' });
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}
