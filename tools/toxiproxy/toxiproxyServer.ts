import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { childEnvironment, localConfig } from '../../emulator/config/localConfig';
import { installMissingDebianPackages } from '../../emulator/services/debianPackages';

/**
 * toxiproxy's server (a TCP proxy whose faults are set over HTTP), built from the Go module proxy into
 * a cache folder and started on a port of the caller's. The release binaries are not reachable from
 * here, so it is built with `go install` once per machine (about 20 s) and reused after that.
 *
 * v2.5.0 is the newest version the Go module proxy lists for github.com/Shopify/toxiproxy/v2; its
 * server's package is `cmd/server` (the release archives call the binary toxiproxy-server).
 */
export const TOXIPROXY_VERSION = 'v2.5.0';
const TOXIPROXY_PACKAGE = `github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}`;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** In the tools cache (TRIPLANE_CACHE_DIR), kept between runs and clones (CI runs on the same machine). */
export const toxiproxyBinary = (): string => join(localConfig().TRIPLANE_CACHE_DIR, 'toxiproxy', TOXIPROXY_VERSION, 'toxiproxy-server');

function goCommand(): string | undefined {
  for (const candidate of ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go']) {
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}

/** Builds toxiproxy-server into the cache folder unless it is there; installs Debian's Go first when the machine has none. Returns the binary's path. */
export function ensureToxiproxy(log: (line: string) => void = () => undefined): string {
  const binary = toxiproxyBinary();
  if (existsSync(binary)) return binary;
  let go = goCommand();
  if (go === undefined) {
    installMissingDebianPackages([['golang-go', () => false]], (line) => log(`${line} (to build toxiproxy)`));
    go = goCommand();
    if (go === undefined) throw new Error('go is still missing after apt-get install golang-go');
  }
  const dir = join(localConfig().TRIPLANE_CACHE_DIR, 'toxiproxy', TOXIPROXY_VERSION);
  const building = join(dir, `build-${process.pid}`);
  mkdirSync(building, { recursive: true });
  log(`building toxiproxy-server ${TOXIPROXY_VERSION} with go install (once per machine)`);
  try {
    execFileSync(go, ['install', TOXIPROXY_PACKAGE], { stdio: 'inherit', env: childEnvironment({ GOBIN: building, GOFLAGS: '-buildvcs=false' }) });
    // A rename is atomic: two setups building at once both end with a whole binary in place.
    renameSync(join(building, 'server'), binary);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return binary;
}

export interface ToxiproxyServer {
  /** The HTTP API, e.g. http://127.0.0.1:8474. */
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts toxiproxy-server with its API on 127.0.0.1:`apiPort` and resolves once the API answers. */
export async function startToxiproxy(options: { apiPort: number; logFile: string; log?: (line: string) => void }): Promise<ToxiproxyServer> {
  const binary = ensureToxiproxy(options.log);
  const out = openSync(options.logFile, 'a');
  const child: ChildProcess = spawn(binary, ['-host', '127.0.0.1', '-port', String(options.apiPort)], { stdio: ['ignore', out, out] });
  const url = `http://127.0.0.1:${options.apiPort}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`toxiproxy-server exited with ${child.exitCode} (log: ${options.logFile})`);
    const answered = await fetch(`${url}/version`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`toxiproxy-server did not answer on ${url} within ${START_TIMEOUT_MS / 1000} s (log: ${options.logFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS)))]);
      clearTimeout(timer);
      if (timedOut) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

if (require.main === module) {
  console.log(ensureToxiproxy((line) => console.log(`[toxiproxy] ${line}`)));
}
