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

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: tsx bench/summarizeCpuProfile.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(summarizeCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 25)));
}
