import { Consumer, kGetApi, type API, type Callback, type CallbackWithPromise, type ConsumerOptions, type FetchOptions, type fetchV17 } from '@platformatic/kafka';
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
  /** Counts the group's rebalances and joins: a fetch asked for before one is answered after it for positions the group has since moved. */
  private groupChanges = 0;

  constructor(options: ConsumerOptions<Buffer, Buffer, Buffer, Buffer>) {
    super(options);
    const changed = () => this.groupChanges++;
    this.on('consumer:group:join', changed);
    this.on('consumer:group:rebalance', changed);
  }

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
    const askedAt = this.groupChanges;
    super.fetch(options, (error, response) => {
      // A failed fetch's records are not the stream's either: it recovers (out of range) and fetches again.
      if (error === null && response !== undefined) {
        if (askedAt === this.groupChanges) listener(takeFetchedRecords(options.topics, response, this.headerNames));
        else forgetRecords(response);
      }
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

/**
 * Empties a fetch response answered across a group change. Its offsets were asked for before the
 * change, and the client's MessagesStream takes any records it gets as where to fetch next
 * (#pushRecords sets the partition's fetch offset past them, in whatever generation it is now): after
 * the stream has gone back to the committed offsets (onConsumerGroupJoin), or the port has put back
 * the records it had not finished (platformaticKafka.ts), such a response would move the partition
 * past records never handed over. A partition with no record batches leaves its fetch offset as it is.
 */
function forgetRecords(response: FetchResponse): void {
  for (const topic of response.responses) for (const partition of topic.partitions) partition.records = null;
}
