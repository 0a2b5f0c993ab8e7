import { formatContractFindings } from '../../../../operations/schemas/formatContractFindings';
import { parseRetirements } from '../../../../operations/schemas/versionRetirements';

describe('formatContractFindings', () => {
  it('should put breaking findings first, name type, version and field, and exit 1', () => {
    const report = formatContractFindings(
      [
        { type: 'a.b', version: 1, field: '', kind: 'new-version', breaking: false, message: 'not released yet' },
        { type: 'flag.set', version: 2, field: 'rollout', kind: 'narrowed', breaking: true, message: 'range narrowed: maximum <= 100 -> <= 50' },
      ],
      3,
    );
    expect(report.lines).toEqual(['BREAKING flag.set v2 rollout: range narrowed: maximum <= 100 -> <= 50', 'note     a.b v1: not released yet']);
    expect(report.exitCode).toBe(1);
    expect(report.summary).toMatch(/^1 breaking change against the released schemas/);
  });

  it('should exit 0 and ask for a write when only compatible changes wait', () => {
    const report = formatContractFindings([{ type: 'a.b', version: 1, field: '', kind: 'widened', breaking: false, message: 'changed compatibly' }], 3);
    expect(report).toEqual({
      lines: ['note     a.b v1: changed compatibly'],
      summary: '3 event versions compatible with the released schemas; run `npm run schemas -- write` to release the changes above',
      exitCode: 0,
    });
  });
});

describe('parseRetirements', () => {
  it('should refuse a record without a valid date, naming the entry', () => {
    expect(() => parseRetirements([{ type: 'flag.set', version: 1, lastWrittenOn: '2027-13-01', reason: 'v2' }])).toThrow(/retired.json: \[0.lastWrittenOn\]/);
  });

  it('should read valid records', () => {
    expect(parseRetirements([{ type: 'flag.set', version: 1, lastWrittenOn: '2027-01-01', reason: 'v2' }])).toHaveLength(1);
  });
});
