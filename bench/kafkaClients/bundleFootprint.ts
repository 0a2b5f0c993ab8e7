import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync, type BuildOptions } from 'esbuild';
import { median } from '../statistics';

export interface Footprint {
  bundleBytes: number;
  /** Median wall time of `node -e "require(bundle)"` in a fresh process. */
  coldStartMs: number;
}

const timedRun = (args: string[]): number => {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr.toString().slice(0, 300)}`);
  return elapsed;
};

/**
 * Bundles each minimal module as serverless-esbuild would for a Lambda (esbuild --bundle
 * --platform=node --minify, CommonJS) and times its cold import: `node -e "require(bundle)"` in a
 * fresh process, `runs` times, the candidates interleaved so the machine's load falls on all alike.
 * `options` adds what a client needs to bundle at all (see the candidates' entries in the benchmark).
 * The baseline is `node -e ""`: a bare Node start, the floor every import sits on.
 */
export function bundleFootprints(entries: Record<string, { entry: string; options?: BuildOptions }>, runs = 20): { footprints: Record<string, Footprint>; bareNodeMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'clients-bundle-'));
  try {
    const bundles: Record<string, string> = {};
    for (const [name, { entry, options }] of Object.entries(entries)) {
      const outfile = join(dir, `${name.replace(/[^a-z0-9]/gi, '_')}.js`);
      buildSync({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node22', format: 'cjs', minify: true, outfile, logLevel: 'silent', ...options });
      bundles[name] = outfile;
    }
    const times: Record<string, number[]> = Object.fromEntries([...Object.keys(bundles), ''].map((name) => [name, []]));
    for (let run = 0; run < runs; run++) {
      times['']?.push(timedRun(['-e', '']));
      for (const [name, outfile] of Object.entries(bundles)) times[name]?.push(timedRun(['-e', `require(${JSON.stringify(outfile)})`]));
    }
    const footprints: Record<string, Footprint> = {};
    for (const [name, outfile] of Object.entries(bundles)) footprints[name] = { bundleBytes: statSync(outfile).size, coldStartMs: median(times[name] ?? []) };
    return { footprints, bareNodeMs: median(times[''] ?? []) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
