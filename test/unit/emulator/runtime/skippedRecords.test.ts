import { checkSkippedRecords } from '../../../../operations/doctor/checkSkippedRecords';
import { recordSkippedRecords, recordsSkipped, skippedRecordStatuses } from '../../../../emulator/runtime/skippedRecords';

describe('recordsSkipped', () => {
  it('should count the records between the expected offset and the first fetched one', () => {
    expect(recordsSkipped(10n, 15n)).toBe(5n);
  });

  it('should count nothing when the fetch starts where expected, before it (a redelivery), or nothing was expected', () => {
    expect(recordsSkipped(10n, 10n)).toBe(0n);
    expect(recordsSkipped(10n, 7n)).toBe(0n);
    expect(recordsSkipped(undefined, 500n)).toBe(0n);
  });
});

describe('recordSkippedRecords', () => {
  it('should add up the gaps of one partition and keep the last one', () => {
    // act
    recordSkippedRecords({ function: 'unit-archive', topic: 'orders', partition: 3, expected: 10n, fetched: 15n });
    recordSkippedRecords({ function: 'unit-archive', topic: 'orders', partition: 3, expected: 40n, fetched: 42n });

    // assess
    const entry = skippedRecordStatuses().find((s) => s.function === 'unit-archive');
    expect(entry).toMatchObject({ topic: 'orders', partition: 3, records: 7, lastExpected: '40', lastFetched: '42' });
  });
});

describe('checkSkippedRecords', () => {
  const lag = { fn: 'project-orders', group: 'triplane-project-orders', topic: 'orders', lag: 0 };

  it('should pass when every committed offset lies within the log', () => {
    expect(checkSkippedRecords([{ ...lag, deletedUnread: 0 }]).status).toBe('pass');
  });

  it('should fail on records deleted unread and on skips the runtime counted', () => {
    expect(checkSkippedRecords([{ ...lag, deletedUnread: 3 }])).toMatchObject({ status: 'fail', detail: expect.stringContaining('3 deleted unread') });
    const counted = [{ function: 'archive-events', topic: 'orders', partition: 1, records: 9, lastExpected: '1', lastFetched: '10', lastAt: '' }];
    expect(checkSkippedRecords([{ ...lag, deletedUnread: 0 }], counted)).toMatchObject({ status: 'fail', detail: expect.stringContaining('archive-events skipped 9 of orders-1') });
  });
});
