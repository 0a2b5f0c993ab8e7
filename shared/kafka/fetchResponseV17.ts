import { createAPI, fetchV17, readKnownTaggedFields, ResponseError, type Reader } from '@platformatic/kafka';
import { readRecordBatches, type DecodedBatch } from './recordBatchDecoder';

type FetchResponse = fetchV17.FetchResponse;
type FetchResponsePartition = fetchV17.FetchResponsePartition;

/**
 * Fetch v17 (the version the client speaks to Kafka 4), its request the client's own, its response
 * read as @platformatic/kafka 2.12's fetch-v17.js reads it, field for field and with the same errors,
 * except the records: readRecordBatches instead of the client's readRecordsBatches (why: there).
 * https://kafka.apache.org/protocol#The_Messages_Fetch
 */
export function fetchV17WithDecoder(): typeof fetchV17.api {
  const parseResponse = (_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): FetchResponse => {
    const errors: Array<[string, [number, null]]> = [];
    const throttleTimeMs = reader.readInt32();
    const errorCode = reader.readInt16();
    if (errorCode !== 0) errors.push(['', [errorCode, null]]);
    const response: FetchResponse = {
      throttleTimeMs,
      errorCode,
      sessionId: reader.readInt32(),
      nodeEndpoints: [],
      responses: reader.readArray((r, i) => ({
        topicId: r.readUUID(),
        partitions: r.readArray(
          (r, j) => {
            const partition: FetchResponsePartition = {
              partitionIndex: r.readInt32(),
              errorCode: r.readInt16(),
              highWatermark: r.readInt64(),
              lastStableOffset: r.readInt64(),
              logStartOffset: r.readInt64(),
              divergingEpoch: { epoch: -1, endOffset: -1n },
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1n, epoch: -1 },
              abortedTransactions: r.readNullableArray((r) => ({ producerId: r.readInt64(), firstOffset: r.readInt64() })),
              preferredReadReplica: r.readInt32(),
              records: [],
            };
            if (partition.errorCode !== 0) errors.push([`/responses/${i}/partitions/${j}`, [partition.errorCode, null]]);
            // COMPACT_RECORDS: the length plus one, 0 for null.
            let recordsSize = r.readUnsignedVarInt();
            if (recordsSize === 0) partition.records = null;
            if (recordsSize > 1) {
              recordsSize--;
              const batches: DecodedBatch[] = readRecordBatches(r.buffer.slice(r.position, r.position + recordsSize));
              partition.records = batches;
              r.skip(recordsSize);
            }
            readKnownTaggedFields(r, {
              0: (r) => {
                partition.divergingEpoch = { epoch: r.readInt32(), endOffset: r.readInt64() };
              },
              1: (r) => {
                partition.currentLeader = { leaderId: r.readInt32(), leaderEpoch: r.readInt32() };
              },
              2: (r) => {
                partition.snapshotId = { endOffset: r.readInt64(), epoch: r.readInt32() };
              },
            });
            return partition;
          },
          true,
          false,
        ),
      })),
    };
    readKnownTaggedFields(reader, {
      0: (r) => {
        response.nodeEndpoints = r.readArray((r) => ({ nodeId: r.readInt32(), host: r.readString(), port: r.readInt32(), rack: r.readNullableString() }));
      },
    });
    if (errors.length > 0) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response);
    return response;
  };
  return createAPI(1, 17, fetchV17.createRequest, parseResponse);
}
