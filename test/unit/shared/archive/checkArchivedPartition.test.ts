import { archiveObjectName, parseArchiveObjectName } from '../../../../shared/archive/archiveObjectName';
import { checkArchivedPartition } from '../../../../shared/archive/checkArchivedPartition';

const object = (name: string, from: number, to: number) => ({ name, offsets: Array.from({ length: to - from + 1 }, (_, i) => from + i) });

describe('checkArchivedPartition', () => {
  it('should pass when every offset up to the committed one is archived once', () => {
    expect(checkArchivedPartition(0, 10, [object('a', 0, 4), object('b', 5, 9)])).toEqual({ from: 0, to: 10, archived: 10, gaps: [], duplicates: [] });
  });

  it('should report a missing object as a gap, and missing tails and heads', () => {
    expect(checkArchivedPartition(0, 15, [object('a', 0, 4), object('c', 10, 11)]).gaps).toEqual([
      { from: 5, to: 9 },
      { from: 12, to: 14 },
    ]);
    expect(checkArchivedPartition(0, 10, [object('b', 5, 9)]).gaps).toEqual([{ from: 0, to: 4 }]);
  });

  it('should start at the first archived offset when Kafka no longer holds the oldest records', () => {
    expect(checkArchivedPartition(50, 60, [object('a', 0, 59)])).toMatchObject({ from: 0, gaps: [] });
    expect(checkArchivedPartition(50, 60, [object('a', 55, 59)]).gaps).toEqual([{ from: 50, to: 54 }]);
  });

  it('should report offsets archived twice without calling them gaps', () => {
    const check = checkArchivedPartition(0, 6, [object('a', 0, 3), object('b', 2, 5)]);
    expect(check.gaps).toEqual([]);
    expect(check.duplicates).toEqual([
      { offset: 2, objects: ['a', 'b'] },
      { offset: 3, objects: ['a', 'b'] },
    ]);
  });

  it('should expect nothing of a partition the sink never committed', () => {
    expect(checkArchivedPartition(0, -1, [])).toEqual({ from: 0, to: 0, archived: 0, gaps: [], duplicates: [] });
  });
});

describe('archiveObjectName', () => {
  it('should name a batch by topic, partition and offset range, sortable and parseable', () => {
    const name = archiveObjectName('orders', 3, 15, 120);
    expect(name).toBe('orders/0003/00000000000000000015-00000000000000000120.jsonl');
    expect(parseArchiveObjectName(name)).toEqual({ topic: 'orders', partition: 3, firstOffset: 15, lastOffset: 120 });
    expect(archiveObjectName('orders', 3, 9, 14) < name).toBe(true);
  });
});
