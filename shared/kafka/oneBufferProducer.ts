import './promiseWithResolvers';
import { createAPI, kGetApi, ProduceAcks, Producer, produceV11, Writer, type API, type Callback, type CreateRecordsBatchOptions, type MessageRecord } from '@platformatic/kafka';
import { encodeProduceRequestV11 } from './produceRequestV11';

/**
 * Produce v11 with the request body written in one Buffer (produceRequestV11.ts). The broker answer is
 * parsed by the client's own parser, and the request goes through the client's own connection; a
 * compressed send keeps the client's encoder.
 */
const oneBufferProduceV11 = createAPI(
  produceV11.api.key,
  produceV11.api.version,
  (acks: number | undefined, timeout: number | undefined, messages: MessageRecord[], options: Partial<CreateRecordsBatchOptions> = {}): Writer => {
    if ((options.compression ?? 'none') !== 'none') return produceV11.createRequest(acks, timeout, messages, options);
    const writer = Writer.create().append(encodeProduceRequestV11(acks ?? 1, timeout ?? 0, messages, options));
    if (acks === ProduceAcks.NO_RESPONSE) writer.context.noResponse = true;
    return writer;
  },
  produceV11.parseResponse,
);

/**
 * @platformatic/kafka's Producer, all of it (idempotence: producer id, epoch, per-partition sequences,
 * the recovery after UNKNOWN_PRODUCER_ID or OUT_OF_ORDER_SEQUENCE_NUMBER; retries, metadata, leaders),
 * except that when the broker's newest Produce version the client implements is v11 (Kafka 3.7 to 4.x),
 * its request body is written by encodeProduceRequestV11 instead of the client's per-record Writers.
 * Ingest benchmark, the same commit A/B: see produceRequestV11.ts for why, and the figures in
 * /work/helper-notes/profile-ingest3.md. Any other version (an older broker) keeps the client's encoder.
 */
export class OneBufferProducer extends Producer {
  override [kGetApi]<RequestArguments extends Array<unknown>, ResponseType>(name: string, callback: Callback<API<RequestArguments, ResponseType>>): void {
    if (name !== 'Produce') {
      super[kGetApi](name, callback);
      return;
    }
    super[kGetApi]<RequestArguments, ResponseType>(name, (error, api) => {
      if (error !== null || api === undefined || api.version !== oneBufferProduceV11.version) callback(error, api);
      else callback(null, oneBufferProduceV11 as unknown as API<RequestArguments, ResponseType>);
    });
  }
}
