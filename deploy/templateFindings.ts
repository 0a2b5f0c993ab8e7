import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One linter finding on the packaged template. */
export interface Finding {
  tool: 'cfn-lint' | 'checkov';
  check: string;
  /** cfn-lint: Error, Warning or Informational; checkov reports failed checks only. */
  level: 'error' | 'warning' | 'info';
  resource: string;
  message: string;
}

export type LinterSkips = Record<Finding['tool'], Record<string, string>>;

export const LINTER_SKIPS_FILE = join(__dirname, 'linterSkips.yaml');

/** The checked-in skips: tool -> check id -> its reason. A skip without a reason is refused. */
export function readLinterSkips(text: string = readFileSync(LINTER_SKIPS_FILE, 'utf8')): LinterSkips {
  const raw: unknown = parse(text);
  const section = (tool: Finding['tool']): Record<string, string> => {
    const entries = typeof raw === 'object' && raw !== null && tool in raw ? (raw as Record<string, unknown>)[tool] : undefined;
    if (entries === undefined || entries === null) return {};
    if (typeof entries !== 'object') throw new Error(`linterSkips.yaml: ${tool} must map check ids to reasons`);
    return Object.fromEntries(
      Object.entries(entries).map(([check, reason]) => {
        if (typeof reason !== 'string' || reason.trim().length < 20) throw new Error(`linterSkips.yaml: ${tool} ${check} needs its reason (a sentence, not "${String(reason)}")`);
        return [check, reason.trim()];
      }),
    );
  };
  return { 'cfn-lint': section('cfn-lint'), checkov: section('checkov') };
}

/** `cfn-lint --format json`: a list of matches, each with Rule.Id, Level, Message and Location.Path. */
export function cfnLintFindings(json: string): Finding[] {
  const matches = JSON.parse(json) as Array<{ Rule: { Id: string }; Level: string; Message: string; Location: { Path?: unknown[] } }>;
  return matches.map((m) => ({
    tool: 'cfn-lint',
    check: m.Rule.Id,
    level: m.Level === 'Error' ? 'error' : m.Level === 'Warning' ? 'warning' : 'info',
    resource: (m.Location.Path ?? []).slice(0, 2).join('/'),
    message: m.Message,
  }));
}

/** `checkov -o json`: one report per framework (an object, or a list of them), failed checks under results. */
export function checkovFindings(json: string): Finding[] {
  const parsed = JSON.parse(json) as unknown;
  const reports = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ results?: { failed_checks?: Array<{ check_id: string; check_name: string; resource: string }> } }>;
  return reports.flatMap((report) =>
    (report.results?.failed_checks ?? []).map((c) => ({ tool: 'checkov' as const, check: c.check_id, level: 'error' as const, resource: c.resource, message: c.check_name })),
  );
}

export interface Verdict {
  /** Errors and failed checks no skip covers: the template must be fixed (or a skip argued for). */
  unexpected: Finding[];
  /** Skips no finding needs any more. */
  stale: Array<{ tool: Finding['tool']; check: string }>;
  accepted: Finding[];
  warnings: Finding[];
}

export function judgeFindings(findings: readonly Finding[], skips: LinterSkips): Verdict {
  const failing = findings.filter((f) => f.level === 'error');
  const skipped = (f: Finding) => skips[f.tool][f.check] !== undefined;
  const stale = (Object.keys(skips) as Array<Finding['tool']>).flatMap((tool) =>
    Object.keys(skips[tool])
      .filter((check) => !failing.some((f) => f.tool === tool && f.check === check))
      .map((check) => ({ tool, check })),
  );
  return { unexpected: failing.filter((f) => !skipped(f)), stale, accepted: failing.filter(skipped), warnings: findings.filter((f) => f.level !== 'error') };
}

/** The findings as lines a person reads in a test failure or a CI log. */
export const formatFindings = (findings: readonly Finding[]): string => findings.map((f) => `${f.tool} ${f.check} ${f.resource}: ${f.message}`).join('\n');
