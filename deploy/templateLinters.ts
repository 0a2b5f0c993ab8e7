import { spawn } from 'node:child_process';
import { pythonToolCommand } from '../tools/python/pythonTools';
import { checkovFindings, cfnLintFindings, type Finding } from './templateFindings';

interface ToolRun {
  findings: Finding[];
  seconds: number;
}

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
  });
}

/**
 * cfn-lint with the cfn-lint-serverless rules appended, the way that package documents it
 * (`cfn-lint template.yaml -a cfn_lint_serverless.rules`, https://awslabs.github.io/serverless-rules/cfn-lint/).
 * Its exit code is a bit set of the levels found (2 error, 4 warning, 8 informational); 1 is its own failure.
 */
export async function runCfnLint(templatePath: string): Promise<ToolRun> {
  const tool = pythonToolCommand('cfn-lint');
  const result = await run(tool.command, [...tool.args, '--append-rules', 'cfn_lint_serverless.rules', '--format', 'json', '--', templatePath]);
  if (result.code === 1 || result.stdout.trim() === '') throw new Error(`cfn-lint failed (exit ${String(result.code)}): ${result.stderr.slice(0, 2000)}`);
  return { findings: cfnLintFindings(result.stdout), seconds: result.seconds };
}

/**
 * checkov's CloudFormation checks on the one template, offline (`--skip-download`: no guideline or
 * policy download). Exit 1 means failed checks; its own failures leave no JSON report.
 */
export async function runCheckov(templatePath: string): Promise<ToolRun> {
  const tool = pythonToolCommand('checkov');
  const result = await run(tool.command, [...tool.args, '-f', templatePath, '--framework', 'cloudformation', '--skip-download', '-o', 'json']);
  let findings: Finding[];
  try {
    findings = checkovFindings(result.stdout);
  } catch (error) {
    throw new Error(`checkov failed (exit ${String(result.code)}): ${result.stderr.slice(0, 2000)}`, { cause: error });
  }
  return { findings, seconds: result.seconds };
}
