import { mskFetchSettings } from '../../../../emulator/runtime/mskFetchSettings';

describe('mskFetchSettings', () => {
  it('should hold a windowed fetch for the whole window unless a large batch is there first', () => {
    expect(mskFetchSettings(1)).toEqual({ maxWaitMs: 1_000, minBytes: 1024 * 1024, maxBytesPerPartition: 1024 * 1024, maxBytes: 6 * 1024 * 1024 });
    expect(mskFetchSettings(0.5).maxWaitMs).toBe(500);
  });

  it('should answer an unwindowed fetch at the first record, an idle one after Kafka default 500 ms', () => {
    expect(mskFetchSettings(0)).toEqual({ maxWaitMs: 500, minBytes: 1, maxBytesPerPartition: 1024 * 1024, maxBytes: 6 * 1024 * 1024 });
  });
});
