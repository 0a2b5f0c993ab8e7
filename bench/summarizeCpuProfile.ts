import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { PROJECT_ROOT } from '../emulator/services/localPaths';

/**
 * `tsx bench/summarizeCpuProfile.ts FILE.cpuprofile [TOP]`: where the CPU time of a `node --cpu-prof`
 * run went, as self time per area (a package in node_modules, a folder of the project, Node's
 * internals, idle, GC) and per function. This is how the README's profile findings were made:
 *
 *   TRIPLANE_PROFILE=test node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/runBenchmarks.ts projection
 *   npx tsx bench/summarizeCpuProfile.ts /tmp/prof/CPU.*.cpuprofile
 *
 * `--timeline[=MS]` prints the same areas per window of MS milliseconds (500 by default) instead: how
 * busy the thread was and which areas filled it, so phases that never overlap show (the projection
 * benchmark's MSK mapping decoding a whole fetch before the handler first runs).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (modules?.[1] !== undefined) return modules[1];
  if (path.startsWith('node:') || !path.startsWith('/')) return 'node internals';
  const inProject = relative(PROJECT_ROOT, path);
  if (inProject.startsWith('..')) return path;
  const [top = inProject, second] = inProject.split('/');
  return second !== undefined && ['shared', 'functions', 'emulator', 'tools', 'deploy', 'operations'].includes(top) ? `${top}/${second}` : top;
}

export function summarizeCpuProfile(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const where = frame.url === '' ? '' : ` ${relative(PROJECT_ROOT, frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const busyMs = totalMs - (areas.get('(idle)') ?? 0);
  const table = (entries: Map<string, number>) =>
    [...entries]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busyMs).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  return [
    `profile ${(totalMs / 1000).toFixed(1)} s, busy (not idle) ${(busyMs / 1000).toFixed(1)} s; shares below are of the busy time`,
    '',
    'self time by area:',
    table(areas),
    '',
    'self time by function:',
    table(functions),
  ].join('\n');
}

/** Per window of `windowMs`: its start, the share of it the thread was busy, and the `top` areas by self time, as shares of the window. */
export function cpuProfileTimeline(profile: CpuProfile, windowMs = 500, top = 3): Array<{ atSeconds: number; busy: number; areas: Array<[string, number]> }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const windows: Array<Map<string, number>> = [];
  let at = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    at += ms;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    const window = (windows[Math.floor(at / windowMs)] ??= new Map<string, number>());
    const area = areaOf(frame.url, frame.functionName);
    window.set(area, (window.get(area) ?? 0) + ms);
  });
  // A window with no sample at all (a hole in `windows`) is all idle.
  return Array.from({ length: windows.length }, (_, i) => {
    const window = windows[i] ?? new Map<string, number>();
    const total = [...window.values()].reduce((sum, ms) => sum + ms, 0) || 1;
    const busy = [...window].filter(([area]) => area !== '(idle)');
    return {
      atSeconds: (i * windowMs) / 1000,
      busy: busy.reduce((sum, [, ms]) => sum + ms, 0) / total,
      areas: busy
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([area, ms]): [string, number] => [area, ms / total]),
    };
  });
}

const percent = (share: number): string => `${Math.round(100 * share)}%`.padStart(4);

if (require.main === module) {
  const args = process.argv.slice(2);
  const timeline = args.find((arg) => arg.startsWith('--timeline'));
  const [file, top] = args.filter((arg) => !arg.startsWith('--'));
  if (file === undefined) {
    console.error('usage: tsx bench/summarizeCpuProfile.ts FILE.cpuprofile [TOP] [--timeline[=MS]]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  if (timeline === undefined) console.log(summarizeCpuProfile(profile, Number(top ?? 25)));
  else
    for (const window of cpuProfileTimeline(profile, Number(timeline.split('=')[1] ?? 500), Number(top ?? 3))) {
      console.log(`${window.atSeconds.toFixed(1).padStart(6)} s busy ${percent(window.busy)}  ${window.areas.map(([area, share]) => `${area} ${percent(share)}`).join('  ')}`);
    }
}
