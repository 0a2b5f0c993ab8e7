import { Consumer, type CallbackWithPromise, type FetchOptions, type fetchV17 } from '@platformatic/kafka';
import { HeaderNames, takeFetchedRecords, type FetchedPartition } from './fetchedRecords';

type FetchResponse = fetchV17.FetchResponse;
type Options = FetchOptions<Buffer, Buffer, Buffer, Buffer>;

/**
 * The client's Consumer, whose fetches hand their records to `takeRecords`' listener as they are
 * parsed, instead of through its MessagesStream's messages (fetchedRecords.ts says why). The stream
 * still drives the fetches (which partitions, from which offsets, on which node, paused or not) and
 * still moves its offsets on from the record batches it gets back empty.
 */
export class RecordTakingConsumer extends Consumer {
  private listener: ((fetched: FetchedPartition[]) => void) | undefined;
  private readonly headerNames = new HeaderNames();

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
}
