/** What every doctor check answers: one line of the report. `fix` says what to do when it is not a pass. */
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  fix: string;
}

/** The fix for any check that could not reach its service: the local setup starts whatever is missing. */
export const START_SERVICES_FIX = 'start it: npm run services';

export const pass = (name: string, detail: string): CheckResult => ({ name, status: 'pass', detail, fix: '' });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'warn', detail, fix });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

/** A check whose service did not answer: a fail with the start-it fix, never a crash of the whole doctor. */
export const unreachable = (name: string, service: string, error: unknown): CheckResult =>
  fail(name, `cannot reach ${service}: ${error instanceof Error ? error.message : String(error)}`, START_SERVICES_FIX);

/** The worst status of several findings: one fail fails the check, else one warn warns it. */
export function worstOf(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('fail')) return 'fail';
  return statuses.includes('warn') ? 'warn' : 'pass';
}

/** A few examples and how many more: a finding on 2,000 keys must still fit on one line. */
export function listSome(items: readonly string[], shown = 3): string {
  const head = items.slice(0, shown).join(', ');
  return items.length > shown ? `${head} (+${items.length - shown} more)` : head;
}
