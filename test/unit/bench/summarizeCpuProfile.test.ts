import { join } from 'node:path';
import { cpuProfileTimeline } from '../../../bench/summarizeCpuProfile';
import { PROJECT_ROOT } from '../../../emulator/services/localPaths';

const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 0 } });

/** A profile of 1 ms samples: `kafka` for the first 400 ms, idle for 100, then `handler` for 300 and idle for 200. */
function twoPhaseProfile() {
  const nodes = [
    frame(1, '(idle)', ''),
    frame(2, 'readRecord', `file://${join(PROJECT_ROOT, 'node_modules/@platformatic/kafka/dist/protocol/records.js')}`),
    frame(3, 'parseEnvelope', `file://${join(PROJECT_ROOT, 'shared/envelope/parseEnvelope.ts')}`),
  ];
  const samples = [...Array<number>(400).fill(2), ...Array<number>(100).fill(1), ...Array<number>(300).fill(3), ...Array<number>(200).fill(1)];
  return { nodes, samples, timeDeltas: samples.map(() => 1000), startTime: 0, endTime: 1_000_000 };
}

describe('cpuProfileTimeline', () => {
  it('should show per window how busy the thread was and which areas filled it, so phases that never overlap show', () => {
    const [first, second] = cpuProfileTimeline(twoPhaseProfile(), 500, 2);
    expect(first?.atSeconds).toBe(0);
    expect(first?.busy).toBeCloseTo(0.8, 2);
    expect(first?.areas.map(([area]) => area)).toEqual(['@platformatic/kafka']);
    expect(second?.atSeconds).toBe(0.5);
    expect(second?.busy).toBeCloseTo(0.6, 2);
    expect(second?.areas).toEqual([['shared/envelope', expect.closeTo(0.6, 2) as number]]);
  });
});
