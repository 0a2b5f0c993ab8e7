import './promiseWithResolvers';
import * as kafka from '@platformatic/kafka';
import { promisify } from 'node:util';
import { createAPI, kGetApi, ProduceAcks, Producer, produceV11, Writer, type API, type Callback, type Connection, type CreateRecordsBatchOptions, type MessageRecord } from '@platformatic/kafka';
import { encodeProduceRequestV11, type Bytes, type ProducedRecord } from './produceRequestV11';

type ProduceArguments = [acks: number | undefined, timeout: number | undefined, messages: ProducedRecord[], options?: Partial<CreateRecordsBatchOptions>];

const asBuffer = (data: Bytes): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** The client's encoders take bytes only: texts made into Buffers, in place (the client's own createRequest changes these records too). */
function withBuffers(messages: ProducedRecord[]): MessageRecord[] {
  for (const message of messages) {
    if (typeof message.key === 'string') message.key = asBuffer(message.key);
    if (typeof message.value === 'string') message.value = asBuffer(message.value);
    if (message.headers !== undefined) message.headers = new Map([...message.headers].map(([name, value]) => [asBuffer(name), asBuffer(value)]));
  }
  return messages as MessageRecord[];
}

/**
 * Produce v11 with the request body written in one Buffer (produceRequestV11.ts). The broker answer is
 * parsed by the client's own parser, and the request goes through the client's own connection; a
 * compressed send keeps the client's encoder.
 */
const oneBufferProduceV11 = createAPI<ProduceArguments, unknown>(
  produceV11.api.key,
  produceV11.api.version,
  (acks: number | undefined, timeout: number | undefined, messages: ProducedRecord[], options: Partial<CreateRecordsBatchOptions> = {}): Writer => {
    if ((options.compression ?? 'none') !== 'none') return produceV11.createRequest(acks, timeout, withBuffers(messages), options);
    const writer = Writer.create().append(encodeProduceRequestV11(acks ?? 1, timeout ?? 0, messages, options));
    if (acks === ProduceAcks.NO_RESPONSE) writer.context.noResponse = true;
    return writer;
  },
  produceV11.parseResponse,
);

/** The client's own Produce APIs, for a broker whose newest is older than v11. */
const clientProduceApis = new Map<number, API<ProduceArguments, unknown>>(
  [kafka.produceV3, kafka.produceV4, kafka.produceV5, kafka.produceV6, kafka.produceV7, kafka.produceV8, kafka.produceV9, kafka.produceV10].map((module) => [
    module.api.version,
    module.api as unknown as API<ProduceArguments, unknown>,
  ]),
);

/**
 * The client's own API of that version, given Buffers as its encoders need. It is the client's API
 * itself, called with the records converted, not one rebuilt around its createRequest: v3-v8 are not
 * flexible versions (no tagged fields in the request and response headers, KIP-482), which only the
 * client's own definition says.
 */
function withBufferRecords(api: API<ProduceArguments, unknown>): API<ProduceArguments, unknown> {
  const call = (connection: Connection, acks: number | undefined, timeout: number | undefined, messages: ProducedRecord[], ...rest: unknown[]): void =>
    (api as unknown as (...args: unknown[]) => void)(connection, acks, timeout, withBuffers(messages), ...rest);
  return Object.assign(call, { async: promisify(call), key: api.key, version: api.version });
}

/** The Produce API OneBufferProducer uses with a broker whose newest version the client implements is `version`: ours for v11, the client's (given Buffers) below. */
export function produceApiFor(version: number): API<ProduceArguments, unknown> | undefined {
  if (version === oneBufferProduceV11.version) return oneBufferProduceV11;
  const api = clientProduceApis.get(version);
  return api === undefined ? undefined : withBufferRecords(api);
}

/**
 * @platformatic/kafka's Producer, all of it (idempotence: producer id, epoch, per-partition sequences,
 * the recovery after UNKNOWN_PRODUCER_ID or OUT_OF_ORDER_SEQUENCE_NUMBER; retries, metadata, leaders),
 * except that when the broker's newest Produce version the client implements is v11 (Kafka 3.7 to 4.x),
 * its request body is written by encodeProduceRequestV11 instead of the client's per-record Writers.
 * Keys, values and headers may be text (the client's default serializers pass anything through): it
 * is written as UTF-8 into the request. On an older broker the client's own encoder of that version
 * gets Buffers made from them. Figures: produceRequestV11.ts and the README (ingest profile).
 */
export class OneBufferProducer extends Producer<Bytes, Bytes, Bytes, Bytes> {
  override [kGetApi]<RequestArguments extends Array<unknown>, ResponseType>(name: string, callback: Callback<API<RequestArguments, ResponseType>>): void {
    if (name !== 'Produce') {
      super[kGetApi](name, callback);
      return;
    }
    super[kGetApi]<RequestArguments, ResponseType>(name, (error, api) => {
      if (error !== null || api === undefined) {
        callback(error, api);
        return;
      }
      const ours = produceApiFor(api.version);
      if (ours === undefined) callback(new Error(`Produce v${api.version} has no encoder for text records`));
      else callback(null, ours as unknown as API<RequestArguments, ResponseType>);
    });
  }
}
