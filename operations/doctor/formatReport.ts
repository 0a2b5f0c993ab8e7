import type { CheckResult, CheckStatus } from './checkResult';

export interface DoctorReport {
  lines: string[];
  summary: string;
  /** 1 when any check failed: a CI step or a deploy script can gate on it. */
  exitCode: number;
}

const count = (results: readonly CheckResult[], status: CheckStatus) => results.filter((r) => r.status === status).length;

/** One line per check, status and name aligned in columns, the fix after the detail for anything not passing. */
export function formatReport(results: readonly CheckResult[]): DoctorReport {
  const width = Math.max(0, ...results.map((r) => r.name.length));
  const lines = results.map((r) => `${r.status.toUpperCase().padEnd(4)}  ${r.name.padEnd(width)}  ${r.detail}${r.status === 'pass' || r.fix === '' ? '' : `  -> fix: ${r.fix}`}`);
  const failed = count(results, 'fail');
  return { lines, summary: `${count(results, 'pass')} pass, ${count(results, 'warn')} warn, ${failed} fail`, exitCode: failed > 0 ? 1 : 0 };
}
