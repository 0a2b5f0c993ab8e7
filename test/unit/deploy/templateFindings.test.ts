import { checkovFindings, cfnLintFindings, judgeFindings, readLinterSkips, type Finding } from '../../../deploy/templateFindings';

const finding = (tool: Finding['tool'], check: string, level: Finding['level'] = 'error'): Finding => ({ tool, check, level, resource: 'Resources/X', message: 'm' });

describe('templateFindings', () => {
  it("should read cfn-lint's JSON into findings with their level and resource", () => {
    const json = JSON.stringify([
      { Rule: { Id: 'ES1001' }, Level: 'Error', Message: 'no destination', Location: { Path: ['Resources', 'Mapping', 'Properties'] } },
      { Rule: { Id: 'WS1000' }, Level: 'Warning', Message: 'no tracing', Location: { Path: ['Resources', 'Fn'] } },
    ]);
    expect(cfnLintFindings(json)).toEqual([
      { tool: 'cfn-lint', check: 'ES1001', level: 'error', resource: 'Resources/Mapping', message: 'no destination' },
      { tool: 'cfn-lint', check: 'WS1000', level: 'warning', resource: 'Resources/Fn', message: 'no tracing' },
    ]);
  });

  it("should read checkov's failed checks from one report or a list of them", () => {
    const report = {
      check_type: 'cloudformation',
      results: { passed_checks: [{ check_id: 'CKV_AWS_1' }], failed_checks: [{ check_id: 'CKV_AWS_26', check_name: 'SNS encrypted', resource: 'AWS::SNS::Topic.T' }] },
    };
    const expected = [{ tool: 'checkov', check: 'CKV_AWS_26', level: 'error', resource: 'AWS::SNS::Topic.T', message: 'SNS encrypted' }];
    expect(checkovFindings(JSON.stringify(report))).toEqual(expected);
    expect(checkovFindings(JSON.stringify([report]))).toEqual(expected);
  });

  it('should fail errors no skip lists, accept listed ones, keep warnings apart and name stale skips', () => {
    const skips = { 'cfn-lint': { ES1001: 'reason' }, checkov: { CKV_AWS_26: 'reason', CKV_AWS_18: 'reason' } };
    const verdict = judgeFindings([finding('cfn-lint', 'ES1001'), finding('cfn-lint', 'WS1000', 'warning'), finding('checkov', 'CKV_AWS_26'), finding('checkov', 'CKV_AWS_115')], skips);
    expect(verdict.unexpected.map((f) => f.check)).toEqual(['CKV_AWS_115']);
    expect(verdict.accepted.map((f) => f.check)).toEqual(['ES1001', 'CKV_AWS_26']);
    expect(verdict.warnings.map((f) => f.check)).toEqual(['WS1000']);
    expect(verdict.stale).toEqual([{ tool: 'checkov', check: 'CKV_AWS_18' }]);
  });

  it('should not let a skip of one tool cover the same id in the other', () => {
    expect(judgeFindings([finding('checkov', 'ES1001')], { 'cfn-lint': { ES1001: 'reason' }, checkov: {} }).unexpected).toHaveLength(1);
  });

  it('should refuse a skip without its reason', () => {
    expect(() => readLinterSkips('checkov:\n  CKV_AWS_18: ""\n')).toThrow(/CKV_AWS_18 needs its reason/);
    expect(() => readLinterSkips('checkov:\n  CKV_AWS_18:\n')).toThrow(/needs its reason/);
  });

  it('should give every checked-in skip a reason', () => {
    const skips = readLinterSkips();
    expect(Object.keys(skips.checkov).length + Object.keys(skips['cfn-lint']).length).toBeGreaterThan(0);
  });
});
