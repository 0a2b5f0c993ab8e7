import * as kafka from '@platformatic/kafka';
import { NumericMap, type Connection, type MessageRecord } from '@platformatic/kafka';
import { produceApiFor } from '../../../../shared/kafka/oneBufferProducer';
import type { ProducedRecord } from '../../../../shared/kafka/produceRequestV11';

/** What an API hands its connection: the api key and version, the request's bytes and the header flags. */
interface Sent {
  key: number;
  version: number;
  request: Buffer;
  requestTaggedFields: boolean;
  responseTaggedFields: boolean;
}
function sentBy(call: (connection: Connection) => void): Sent {
  let sent: Sent | undefined;
  const connection = {
    send: (key: number, version: number, createRequest: () => { buffer: Buffer }, _parse: unknown, requestTaggedFields: boolean, responseTaggedFields: boolean) => {
      sent = { key, version, request: createRequest().buffer, requestTaggedFields, responseTaggedFields };
    },
  } as unknown as Connection;
  call(connection);
  if (sent === undefined) throw new Error('nothing was sent');
  return sent;
}

const NOW = 1_765_000_000_000n;
/** Text records, as ingest hands them over: with a name like __proto__ in the headers too. */
const textRecords = (): ProducedRecord[] => [
  {
    topic: 'scores',
    partition: 2,
    timestamp: NOW,
    key: 'user-é',
    value: '{"type":"score.recorded"}',
    headers: new Map([
      ['__proto__', 'x'],
      ['hops', '1'],
    ]),
  },
  { topic: 'scores', partition: 2, timestamp: NOW, key: 'user-2', value: '{}', headers: new Map([['constructor', '']]) },
];
const asBuffers = (records: ProducedRecord[]): MessageRecord[] =>
  records.map((r) => ({
    ...r,
    key: Buffer.from(r.key as string),
    value: Buffer.from(r.value as string),
    headers: new Map([...(r.headers ?? [])].map(([name, value]) => [Buffer.from(name), Buffer.from(value)])),
  }));
const options = () => ({ producerId: 9n, producerEpoch: 1, sequences: new NumericMap([['scores:2', 5]]) });

describe('produceApiFor (the Produce API OneBufferProducer picks by the version the broker allows)', () => {
  const clientApis = [kafka.produceV3, kafka.produceV4, kafka.produceV5, kafka.produceV6, kafka.produceV7, kafka.produceV8, kafka.produceV9, kafka.produceV10, kafka.produceV11].map((m) => m.api);

  it.each(clientApis.map((api) => [api.version, api] as const))(
    "should send, for Produce v%i, the client's own request bytes and header flags, text records given as Buffers",
    (version, clientApi) => {
      const ours = produceApiFor(version);
      if (ours === undefined) throw new Error(`no Produce API for v${version}`);
      const noop = () => undefined;
      const theirs = sentBy((connection) => (clientApi as unknown as (...args: unknown[]) => void)(connection, -1, 30_000, asBuffers(textRecords()), options(), noop));
      const sent = sentBy((connection) => (ours as unknown as (...args: unknown[]) => void)(connection, -1, 30_000, textRecords(), options(), noop));
      expect({ ...sent, request: sent.request.toString('hex') }).toEqual({ ...theirs, request: theirs.request.toString('hex') });
      // v3-v8 are not flexible versions: no tagged fields in their headers.
      expect(sent.requestTaggedFields).toBe(version >= 9);
    },
  );

  it('should have no API for a version the client does not implement, so the producer fails instead of sending what the broker cannot read', () => {
    expect(produceApiFor(2)).toBeUndefined();
    expect(produceApiFor(12)).toBeUndefined();
  });
});
