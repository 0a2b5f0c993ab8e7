import { createRecordsBatch, IS_CONTROL, Reader, readRecordsBatches, type fetchV17, type RecordsBatch } from '@platformatic/kafka';
import { HeaderNames, takeFetchedRecords, type FetchedPartition } from '../../../../shared/kafka/fetchedRecords';
import { readRecordBatches } from '../../../../shared/kafka/recordBatchDecoder';

/** A partition's records, read through its record batches in order, as the consumer port reads them. */
const recordsOf = (fetched: FetchedPartition | undefined) => (fetched?.pieces ?? []).flatMap((piece) => piece.records());

type FetchResponse = fetchV17.FetchResponse;
type FetchRequestTopic = fetchV17.FetchRequestTopic;

const TOPIC_ID = 'topic-uuid';

/** Record batches as the client parses them from a fetch response, the first record at `firstOffset`. */
function parsedBatch(firstOffset: bigint, values: string[], headers: Array<Map<Buffer, Buffer | null>> = [], leaderEpoch = 3): RecordsBatch {
  const messages = values.map((value, i) => ({
    topic: 't',
    key: Buffer.from(`k${i}`),
    value: Buffer.from(value),
    headers: headers[i] ?? new Map<Buffer, Buffer>(),
    timestamp: 1_700_000_000_000n + BigInt(i),
  }));
  const bytes = createRecordsBatch(messages as Parameters<typeof createRecordsBatch>[0], { partitionLeaderEpoch: leaderEpoch }).buffer;
  const [batch] = readRecordsBatches(Reader.from(bytes));
  if (batch === undefined) throw new Error('no batch parsed');
  batch.firstOffset = firstOffset;
  return batch;
}

function response(partitions: Array<{ partition: number; batches: RecordsBatch[] }>): FetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topicId: TOPIC_ID,
        partitions: partitions.map(({ partition, batches }) => ({
          partitionIndex: partition,
          errorCode: 0,
          highWatermark: 100n,
          lastStableOffset: 100n,
          logStartOffset: 0n,
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: batches,
        })),
      },
    ],
  };
}

const request = (offsets: Record<number, bigint>): FetchRequestTopic[] => [
  {
    topicId: TOPIC_ID,
    partitions: Object.entries(offsets).map(([partition, fetchOffset]) => ({ partition: Number(partition), fetchOffset, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 })),
  },
];

const text = (data: Buffer | null) => data?.toString('utf8');

describe('takeFetchedRecords', () => {
  it('should hand over each partition its records in order with their offsets, timestamps, keys, values and headers', () => {
    const headers = [new Map([[Buffer.from('type'), Buffer.from('a')]]), new Map([[Buffer.from('type'), Buffer.from('b')]])];
    const fetched = takeFetchedRecords(
      request({ 0: 10n, 1: 0n }),
      response([
        { partition: 0, batches: [parsedBatch(10n, ['x', 'y'], headers)] },
        { partition: 1, batches: [parsedBatch(0n, ['z'])] },
      ]),
      new HeaderNames(),
    );
    expect(fetched.map((f) => [f.partition, recordsOf(f).map((r) => [r.offset, text(r.value), text(r.key)])])).toEqual([
      [
        0,
        [
          [10n, 'x', 'k0'],
          [11n, 'y', 'k1'],
        ],
      ],
      [1, [[0n, 'z', 'k0']]],
    ]);
    const [first] = recordsOf(fetched[0]);
    expect(first?.timestamp).toBe(1_700_000_000_000n);
    expect(first?.headers.map(([name, value]) => [name, text(value)])).toEqual([['type', 'a']]);
    expect(fetched[0]?.leaderEpoch).toBe(3);
    expect(fetched[0]?.bytes).toBeGreaterThan(0);
  });

  it("should leave the response's batches empty but their offsets intact, so the client's stream only moves its fetch offsets on", () => {
    const batch = parsedBatch(5n, ['a', 'b', 'c']);
    takeFetchedRecords(request({ 0: 5n }), response([{ partition: 0, batches: [batch] }]), new HeaderNames());
    expect(batch.records).toEqual([]);
    expect(batch.firstOffset + BigInt(batch.lastOffsetDelta)).toBe(7n);
  });

  it('should skip the records of a batch before the offset asked for, which were delivered already', () => {
    const fetched = takeFetchedRecords(request({ 0: 12n }), response([{ partition: 0, batches: [parsedBatch(10n, ['a', 'b', 'c', 'd'])] }]), new HeaderNames());
    expect(recordsOf(fetched[0]).map((r) => r.offset)).toEqual([12n, 13n]);
  });

  it('should skip a partition the request did not ask for (stale in an incremental fetch session) and control batches', () => {
    const control = parsedBatch(20n, ['marker']);
    control.attributes |= IS_CONTROL;
    const fetched = takeFetchedRecords(
      request({ 0: 20n }),
      response([
        { partition: 0, batches: [control, parsedBatch(21n, ['after'])] },
        { partition: 7, batches: [parsedBatch(0n, ['stale'])] },
      ]),
      new HeaderNames(),
    );
    expect(fetched.map((f) => [f.partition, recordsOf(f).map((r) => text(r.value))])).toEqual([[0, ['after']]]);
  });

  it('should read a null header value as no bytes and keep repeated names repeated, in order', () => {
    const headers = new Map<Buffer, Buffer | null>([
      [Buffer.from('trace'), null],
      [Buffer.from('id'), Buffer.from('1')],
      [Buffer.from('id'), Buffer.from('2')],
    ]);
    const [partition] = takeFetchedRecords(request({ 0: 0n }), response([{ partition: 0, batches: [parsedBatch(0n, ['v'], [headers])] }]), new HeaderNames());
    expect(recordsOf(partition)[0]?.headers.map(([name, value]) => [name, value.length, text(value)])).toEqual([
      ['trace', 0, ''],
      ['id', 1, '1'],
      ['id', 1, '2'],
    ]);
  });
});

describe('takeFetchedRecords of batches left as bytes (recordBatchDecoder)', () => {
  const encoded = (firstOffset: bigint, values: string[]) => {
    const bytes = Buffer.from(createRecordsBatch(values.map((value) => ({ topic: 't', value: Buffer.from(value), timestamp: 1n })) as Parameters<typeof createRecordsBatch>[0]).buffer);
    bytes.writeBigInt64BE(firstOffset, 0);
    return readRecordBatches(bytes);
  };

  it('should read them only when asked, from the offset asked for, in order with the batches the client parsed', () => {
    const batches = [...encoded(10n, ['a', 'b', 'c']), parsedBatch(13n, ['d']), ...encoded(14n, ['e'])];
    const [partition] = takeFetchedRecords(request({ 0: 11n }), response([{ partition: 0, batches }]), new HeaderNames());
    expect(batches.every((b) => b.records.length === 0)).toBe(true);
    expect(recordsOf(partition).map((r) => [r.offset, text(r.value)])).toEqual([
      [11n, 'b'],
      [12n, 'c'],
      [13n, 'd'],
      [14n, 'e'],
    ]);
  });

  it('should give each record batch as a piece of its own, counted by its record count and read on its own, the same records in the same order', () => {
    // prepare
    const batches = [...encoded(10n, ['a', 'b', 'c']), parsedBatch(13n, ['d']), ...encoded(14n, ['e', 'f'])];
    const [partition] = takeFetchedRecords(request({ 0: 11n }), response([{ partition: 0, batches }]), new HeaderNames());

    // act
    const pieces = partition?.pieces.map((piece) => ({ count: piece.count, firstOffset: piece.firstOffset, offsets: piece.records().map((r) => r.offset) }));

    // assess: the first batch's count is its whole count, the record before the offset asked for is
    // skipped when read, and each piece is fetched again from its first record's offset
    expect(pieces).toEqual([
      { count: 3, firstOffset: 11n, offsets: [11n, 12n] },
      { count: 1, firstOffset: 13n, offsets: [13n] },
      { count: 2, firstOffset: 14n, offsets: [14n, 15n] },
    ]);
  });
});

describe('HeaderNames', () => {
  it('should decode each name as UTF-8, the same string for the same bytes, and tell apart names of one length', () => {
    const names = new HeaderNames();
    const first = names.text(Buffer.from('type'));
    expect(first).toBe('type');
    expect(names.text(Buffer.from('hops'))).toBe('hops');
    expect(names.text(Buffer.from('type'))).toBe(first);
    expect(names.text(Buffer.from('naïve'))).toBe('naïve');
    expect(names.text(null)).toBe('');
  });

  it('should not be changed by later writes to the bytes it decoded', () => {
    const names = new HeaderNames();
    const bytes = Buffer.from('type');
    names.text(bytes);
    bytes.write('hops');
    expect(names.text(Buffer.from('type'))).toBe('type');
    expect(names.text(bytes)).toBe('hops');
  });

  it('should still decode names past the ones it keeps', () => {
    const names = new HeaderNames();
    for (let i = 0; i < 100; i++) expect(names.text(Buffer.from(`name-${i}`))).toBe(`name-${i}`);
    expect(names.text(Buffer.from('name-99'))).toBe('name-99');
  });
});
