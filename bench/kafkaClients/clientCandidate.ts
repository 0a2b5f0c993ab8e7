/**
 * What the Kafka client benchmark needs from a client, so each candidate runs the very same load:
 * a producer with acks=all and idempotence, a consumer group that hands over batches, and the admin
 * calls triplane uses. Each candidate implements it with its client's own API, the way a careful user
 * of that client would (kafkajsCandidate.ts, platformaticCandidate.ts).
 */
export interface BenchRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface ConsumedRecord {
  key: string;
  value: string;
  partition: number;
  offset: bigint;
}

export interface CandidateProducer {
  /**
   * Sends `records` to `topic` with acks=all on the idempotent producer; resolves with the partitions
   * the client reported as acknowledged (a resolved send that lacks a partition it wrote to is the
   * kafkajs 2.2.4 failure acknowledgedSend.ts guards against).
   */
  send(topic: string, records: readonly BenchRecord[]): Promise<ReadonlySet<number>>;
  close(): Promise<void>;
}

export interface CandidateConsumer {
  stop(): Promise<void>;
}

/** Each admin operation triplane needs, tried for real: 'ok' or the error it gave. */
export type AdminCoverage = Record<'createTopics' | 'describeCluster' | 'topicOffsets' | 'groupOffsets' | 'resetGroupOffsets' | 'deleteRecords' | 'partitionLeaders', string>;

export interface ClientCandidate {
  name: string;
  version: string;
  producer(brokers: readonly string[]): Promise<CandidateProducer>;
  /** Joins `groupId` on `topic` from the earliest offset and calls onBatch per fetched batch, committing as it goes. */
  consume(brokers: readonly string[], topic: string, groupId: string, onBatch: (records: readonly ConsumedRecord[]) => void): Promise<CandidateConsumer>;
  createTopic(brokers: readonly string[], topic: string, partitions: number, replicationFactor: number): Promise<void>;
  /** The leader node id of each partition of `topic`. */
  partitionLeaders(brokers: readonly string[], topic: string): Promise<Map<number, number>>;
  /** Runs every admin operation of AdminCoverage on a scratch topic and group of its own. */
  adminCoverage(brokers: readonly string[], scratch: string): Promise<AdminCoverage>;
}

export const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 200);
