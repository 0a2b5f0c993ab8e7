import { fail, pass, warn } from '../../../../operations/doctor/checkResult';
import { parseDoctorArgs } from '../../../../operations/doctor/doctorCommand';
import { formatReport } from '../../../../operations/doctor/formatReport';
import { defaultDoctorOptions } from '../../../../operations/doctor/runDoctor';

describe('formatReport', () => {
  it('should align the names, give the fix of what does not pass, count, and exit 1 on a fail', () => {
    // act
    const report = formatReport([pass('a', 'fine'), warn('longer name', 'hm', 'look'), fail('b', 'broken', 'repair')]);

    // assess
    expect(report.lines).toEqual(['PASS  a            fine', 'WARN  longer name  hm  -> fix: look', 'FAIL  b            broken  -> fix: repair']);
    expect(report.summary).toBe('1 pass, 1 warn, 1 fail');
    expect(report.exitCode).toBe(1);
  });

  it('should exit 0 with warnings only', () => {
    // assess
    expect(formatReport([pass('a', 'fine'), warn('b', 'hm', 'look')]).exitCode).toBe(0);
  });
});

describe('parseDoctorArgs', () => {
  it('should read --group-suffix and --vhost, spaced or with =', () => {
    // act
    const options = parseDoctorArgs(['--group-suffix', '-run7', '--vhost=other'], defaultDoctorOptions());

    // assess
    expect(options).toMatchObject({ groupSuffix: '-run7', vhost: 'other' });
  });

  it('should refuse an unknown option', () => {
    // assess
    expect(() => parseDoctorArgs(['--fix-everything'], defaultDoctorOptions())).toThrow('unknown option');
  });
});
