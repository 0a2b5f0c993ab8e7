import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { measureThreadCpu } from '../../../bench/threadCpu';

const spin = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

const onLinux = existsSync('/proc/self/task') ? it : it.skip;

describe('measureThreadCpu', () => {
  onLinux('should count the main thread apart from a worker thread, even one that ended before the reading', async () => {
    const meter = measureThreadCpu(20);
    spin(300);
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker('const until = performance.now() + 300; while (performance.now() < until);', { eval: true });
      worker.once('error', reject);
      worker.once('exit', () => resolve());
    });
    const cpu = meter.stop();
    if (cpu === undefined) throw new Error('no /proc reading');
    // Ticks are 10 ms and a shared machine may run other work: generous bounds, far from zero.
    expect(cpu.mainSeconds).toBeGreaterThan(0.15);
    expect(cpu.otherSeconds).toBeGreaterThan(0.1);
  });
});
