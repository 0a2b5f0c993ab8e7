import { checkTopicRetention } from '../../../../operations/doctor/checkTopicRetention';

const FOREVER = { orders: -1, flags: -1 };
const topic = (name: string, retentionMs: number, retentionBytes = -1) => ({ name, retentionMs, retentionBytes });

describe('checkTopicRetention', () => {
  it('should pass topics that keep records as the manifest declares', () => {
    expect(checkTopicRetention([topic('orders', -1), topic('flags', -1), topic('other', 1000)], FOREVER)).toMatchObject({
      status: 'pass',
      detail: '2 manifest topics keep records as shared/routes/topics.ts declares',
    });
    expect(checkTopicRetention([topic('orders', 604_800_000)], { orders: 604_800_000 }).status).toBe('pass');
  });

  it("should fail a topic that drops records the manifest keeps for ever (MSK's 168 h default)", () => {
    expect(checkTopicRetention([topic('orders', 604_800_000), topic('flags', -1)], FOREVER)).toMatchObject({ status: 'fail', detail: 'orders keeps records 168 h, the manifest says for ever' });
  });

  it('should fail a size limit on a topic kept for ever', () => {
    expect(checkTopicRetention([topic('orders', -1, 1_073_741_824)], FOREVER)).toMatchObject({ status: 'fail', detail: 'orders drops records past 1073741824 bytes per partition' });
  });

  it('should fail a topic that keeps records longer than declared: a retired version could still be read', () => {
    expect(checkTopicRetention([topic('orders', -1)], { orders: 604_800_000 })).toMatchObject({ status: 'fail', detail: 'orders keeps records for ever, the manifest says 168 h' });
  });
});
