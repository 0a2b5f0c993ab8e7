import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AutocannonPlan, AutocannonResult, SentMessage } from './autocannonPlan';
import type { PacedLoadPlan } from './pacedLoadPlan';

/**
 * HTTP load with autocannon, run in a worker thread (see autocannonWorker.ts).
 */
export function runLoad(plan: AutocannonPlan, onSent?: (message: SentMessage) => void): Promise<AutocannonResult> {
  return runLoadWorker('autocannonWorker.ts', plan, onSent);
}

/** Open-loop HTTP load at an even rate, latency counted from each request's due time (see pacedLoadWorker.ts). */
export function runPacedLoad(plan: PacedLoadPlan): Promise<AutocannonResult> {
  return runLoadWorker('pacedLoadWorker.ts', plan);
}

/** The workers are TypeScript: a worker does not inherit tsx's loader, so it registers tsx's CommonJS hook itself first. */
function runLoadWorker(file: string, plan: AutocannonPlan | PacedLoadPlan, onSent?: (message: SentMessage) => void): Promise<AutocannonResult> {
  const script = `require('tsx/cjs'); require(${JSON.stringify(join(__dirname, file))});`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { eval: true, workerData: plan, execArgv: [] });
    let result: AutocannonResult | undefined;
    worker.on('message', (message: SentMessage | AutocannonResult) => {
      if (message.type === 'sent') onSent?.(message);
      else result = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`load worker ${file} exited with code ${code} before reporting`));
    });
    worker.on('message', (message: SentMessage | AutocannonResult) => {
      if (message.type === 'done') void worker.terminate();
    });
  });
}

/** Per-second completions (responses of any status, times `perResponse`), first and last partial seconds dropped. */
export function perSecondRates(result: AutocannonResult, perResponse = 1): number[] {
  const counts = new Map<number, number>();
  for (const at of result.completedAt) {
    const second = Math.floor((at - result.startedAt) / 1000);
    counts.set(second, (counts.get(second) ?? 0) + 1);
  }
  const seconds = [...counts.keys()].sort((a, b) => a - b);
  return seconds.slice(1, -1).map((s) => (counts.get(s) ?? 0) * perResponse);
}

export const okCount = (result: AutocannonResult): number =>
  Object.entries(result.statusCounts).reduce((total, [status, count]) => (Number(status) >= 200 && Number(status) < 300 ? total + count : total), 0);
