import { formatFindings, judgeFindings, readLinterSkips, type Finding, type Verdict } from '../../../deploy/templateFindings';
import { runCfnLint, runCheckov } from '../../../deploy/templateLinters';
import { packagedTemplatePath } from '../../../testkit/packagedService';

/**
 * The packaged template through the linters AWS users run: cfn-lint with the cfn-lint-serverless rules,
 * and checkov. Any error or failed check not in deploy/linterSkips.yaml (with its reason) fails, and so
 * does a skip nothing needs any more. The tools come from the Python virtual environment the setup
 * makes (tools/python). Each tool's time is printed.
 */
let verdict: Verdict;
let findings: Finding[];

beforeAll(async () => {
  const template = await packagedTemplatePath();
  const [cfnLint, checkov] = await Promise.all([runCfnLint(template), runCheckov(template)]);
  process.stdout.write(`template linters: cfn-lint ${cfnLint.seconds.toFixed(1)} s, checkov ${checkov.seconds.toFixed(1)} s\n`);
  findings = [...cfnLint.findings, ...checkov.findings];
  verdict = judgeFindings(findings, readLinterSkips());
  // Warnings are not failed on: their count per rule, to see one appear (WS1000 tracing and W3005 redundant DependsOn are known and kept, see linterSkips.yaml).
  const perRule = new Map<string, number>();
  for (const w of verdict.warnings) perRule.set(w.check, (perRule.get(w.check) ?? 0) + 1);
  if (perRule.size > 0) process.stdout.write(`cfn-lint warnings: ${[...perRule].map(([rule, n]) => `${rule} x${n}`).join(', ')}\n`);
}, 240_000);

describe('the packaged template under cfn-lint (with cfn-lint-serverless) and checkov', () => {
  it('should have been checked by both tools', () => {
    // A report from each: cfn-lint lints every template, checkov fails at least the checks skipped on purpose.
    expect(findings.some((f) => f.tool === 'checkov')).toBe(true);
    expect(verdict.accepted.some((f) => f.tool === 'cfn-lint')).toBe(true);
  });

  it('should have no error and no failed check that deploy/linterSkips.yaml does not list with its reason', () => {
    expect(formatFindings(verdict.unexpected)).toBe('');
  });

  it('should list no skip that no finding needs any more', () => {
    expect(verdict.stale).toEqual([]);
  });
});
