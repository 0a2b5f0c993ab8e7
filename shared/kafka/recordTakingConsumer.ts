import { Consumer, kGetApi, type API, type Callback, type CallbackWithPromise, type FetchOptions, type fetchV17 } from '@platformatic/kafka';
import { HeaderNames, takeFetchedRecords, type FetchedPartition } from './fetchedRecords';
import { fetchV17WithDecoder } from './fetchResponseV17';

type FetchResponse = fetchV17.FetchResponse;
type Options = FetchOptions<Buffer, Buffer, Buffer, Buffer>;

/**
 * The client's Consumer, whose fetches hand their records to `takeRecords`' listener as they are
 * parsed, instead of through its MessagesStream's messages (fetchedRecords.ts says why). The stream
 * still drives the fetches (which partitions, from which offsets, on which node, paused or not) and
 * still moves its offsets on from the record batches it gets back empty. Fetch v17 responses are read
 * with triplane's record decoder (fetchResponseV17.ts); another version, with the client's.
 */
export class RecordTakingConsumer extends Consumer {
  private listener: ((fetched: FetchedPartition[]) => void) | undefined;
  private readonly headerNames = new HeaderNames();
  private readonly fetchApi = fetchV17WithDecoder();

  /** From now on every fetch's records go to `listener`, once per response, before the stream sees it. */
  takeRecords(listener: (fetched: FetchedPartition[]) => void): void {
    this.listener = listener;
  }

  override fetch(options: Options, callback: CallbackWithPromise<FetchResponse>): void;
  override fetch(options: Options): Promise<FetchResponse>;
  override fetch(options: Options, callback?: CallbackWithPromise<FetchResponse>): void | Promise<FetchResponse> {
    if (callback === undefined) return super.fetch(options);
    const listener = this.listener;
    if (listener === undefined) {
      super.fetch(options, callback);
      return;
    }
    super.fetch(options, (error, response) => {
      // A failed fetch's records are not the stream's either: it recovers (out of range) and fetches again.
      if (error === null && response !== undefined) listener(takeFetchedRecords(options.topics, response, this.headerNames));
      callback(error, response);
    });
  }

  override [kGetApi]<RequestArguments extends unknown[], ResponseType>(name: string, callback: Callback<API<RequestArguments, ResponseType>>): void {
    if (name !== 'Fetch') {
      super[kGetApi](name, callback);
      return;
    }
    super[kGetApi]<RequestArguments, ResponseType>(name, (error, api) => {
      // The version the client picked for this broker; only v17's response layout is the one fetchV17WithDecoder reads.
      if (error === null && api?.version === this.fetchApi.version) callback(null, this.fetchApi as unknown as API<RequestArguments, ResponseType>);
      else callback(error, api);
    });
  }
}
