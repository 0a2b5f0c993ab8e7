/**
 * What triplane needs from a Kafka client, and nothing of any client's own types, so the Lambda
 * handlers, the local event source mappings and the tools do not care which client sits below
 * (issue 14). platformaticKafka.ts implements it with @platformatic/kafka, the client chosen by
 * measurement (README, "Kafka client, chosen by measurement").
 *
 * Who uses what:
 * - shared/clients/kafkaProducer.ts: `kafkaClient(settings).producer()`, once per process.
 * - shared/publishing/publishToKafka.ts and shared/deadLetters/kafkaDeadLetterPublisher.ts:
 *   `KafkaProducerPort.send`, which resolves only once every record's partition acknowledged (the
 *   kafkajs 2.2.4 workaround that re-sent silently skipped partitions, acknowledgedSend, is gone).
 * - emulator/runtime/mskEventSourceMapping.ts: `consumer({ groupId, topic, ... }).run(handler)`, one
 *   `PartitionBatch` at a time per partition, `batch.commitInBackground(next)` after each chunk invoked,
 *   `batch.stillAssigned()` before each try; `admin().groupOffsets` for the skipped-offset accounting.
 * - operations/replay/* (lag, reset before a replay), operations/doctor/kafkaProbe.ts (cluster reachable,
 *   topics present, lag), emulator/ops (lag), operations/archive/verifyArchive.ts, tools/kafka (topics from the
 *   manifest, a node's readiness), testkit/readTopic.ts (a fresh group reading from the start)
 *   and the fault suite's tools: `admin()` and `consumer()`.
 * Every one of them gets its port from kafkaClient.ts, the one place that names the client.
 */

/** How to reach Kafka: plain brokers locally, TLS and SASL OAUTHBEARER (MSK IAM) on AWS. */
export interface KafkaSettings {
  brokers: readonly string[];
  clientId: string;
  tls: boolean;
  /** MSK IAM: a token signed by the function's own role (aws-msk-iam-sasl-signer-js), asked for on every authentication. */
  oauthBearerToken?: () => Promise<string>;
  /**
   * For tools that must answer fast rather than ride out a broker restart (the doctor, the readiness
   * probe of a starting node): how long to wait for a connection and a reply, and how many times a
   * failed request is tried again. Absent: the client's own defaults and about 3 s of retries.
   */
  patience?: { connectTimeoutMs: number; requestTimeoutMs: number; retries: number };
}

/** Strings are sent as their UTF-8 bytes; a dead letter carries the bytes it was delivered with. */
export interface OutgoingRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: Readonly<Record<string, string | Buffer>>;
}

export interface TopicRecords {
  topic: string;
  records: readonly OutgoingRecord[];
}

export interface Acknowledgement {
  topic: string;
  partition: number;
  /** Offset of the first record of the send in that partition. */
  offset: bigint;
}

export interface KafkaProducerPort {
  /**
   * acks=all on the idempotent producer; the partition of each key is Java's murmur2, as MSK's other
   * clients choose it. Resolves once every partition written to acknowledged; rejects otherwise, and a
   * rejected send may still have written some partitions (the caller's resend doubles those, which the
   * consumers absorb by event id).
   */
  send(batches: readonly TopicRecords[]): Promise<Acknowledgement[]>;
  close(): Promise<void>;
}

export interface ConsumedRecord {
  offset: bigint;
  /** Milliseconds since the epoch, as the record carries it. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: ReadonlyArray<readonly [string, Buffer]>;
}

/**
 * The records of one partition fetched since its last batch was handed over (one fetch's, or several
 * while that batch was in flight), in order; one batch in flight per partition, the partitions independent.
 */
export interface PartitionBatch {
  topic: string;
  partition: number;
  /**
   * The handler's own once handed over: the port never reads the list again, so a handler may empty it
   * to let records go before it is done with the batch (the MSK mapping does, once an invocation's event
   * is written).
   */
  records: ConsumedRecord[];
  /** False once the group rebalanced or the consumer stops: stop before the next record, commit nothing more. */
  stillAssigned(): boolean;
  /** Commits `nextOffset`, the offset of the next record to read (the last processed one + 1); resolves once Kafka acknowledged it. */
  commit(nextOffset: bigint): Promise<void>;
  /**
   * Sends the commit of `nextOffset` and returns at once: the partition's next batch may be handed over
   * while Kafka answers. A commit Kafka refuses fails the consumer (`done` rejects, and a new consumer
   * resumes from the offsets that were committed, delivering the rest again); stop() waits for every
   * commit sent. Commits of one partition reach Kafka in order, a later offset never overtaken by an earlier one.
   */
  commitInBackground(nextOffset: bigint): void;
}

export interface ConsumerOptions {
  groupId: string;
  topic: string;
  /** Where a group with no committed offset starts: the earliest record (TRIM_HORIZON) or the next one (LATEST). */
  startAt: 'earliest' | 'latest';
  /** The batching window: the broker holds a fetch up to this long for `minBytes`. */
  maxWaitMs: number;
  minBytes: number;
  maxBytesPerPartition: number;
  /** The most bytes of one fetch response, all partitions together (the broker still returns at least one record batch); the client's default (50 MB) when absent. */
  maxBytes?: number;
  /**
   * A partition's records are handed over in batches of whole record batches, taken while they hold
   * fewer than this many records (at least one record batch); the rest stay bytes until their turn.
   * All queued records at once when absent.
   */
  maxRecordsPerBatch?: number;
  sessionTimeoutMs: number;
}

export interface KafkaConsumerPort {
  /**
   * Fetches and hands each partition's records to `handler`, one batch in flight per partition, until
   * stop(). Nothing is committed but what the handler commits. A handler that throws stops the
   * consumer: `done` rejects with its error, and a new consumer resumes from the committed offsets.
   */
  run(handler: (batch: PartitionBatch) => Promise<void>): void;
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

export interface PartitionOffsets {
  partition: number;
  /** First offset still stored (moves up with retention or deleteRecords). */
  low: bigint;
  /** The offset the next record will get. */
  high: bigint;
}

export interface TopicDescription {
  name: string;
  partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>;
}

export interface KafkaAdminPort {
  /** Without a replication factor the broker's default applies (default.replication.factor: 3 on the local three nodes). */
  createTopics(topics: ReadonlyArray<{ name: string; partitions: number; replicationFactor?: number; configs?: Readonly<Record<string, string>> }>): Promise<void>;
  /** Deletes the topics named (tests removing their scratch topics). */
  deleteTopics(names: readonly string[]): Promise<void>;
  listTopics(): Promise<string[]>;
  describeCluster(): Promise<{ clusterId: string; controllerId: number; brokers: Array<{ nodeId: number; host: string; port: number }> }>;
  /** Leader and in-sync replicas of each partition. */
  partitions(topic: string): Promise<Array<{ partition: number; leader: number; isr: number[] }>>;
  /** The partitions of each topic named (every topic of the cluster when none is), from fresh metadata; a topic that does not exist is absent. */
  describeTopics(topics?: readonly string[]): Promise<TopicDescription[]>;
  /** The current value of each config named on a topic (the broker's default when the topic has no override). */
  topicConfigs(topic: string, names: readonly string[]): Promise<Record<string, string>>;
  /** Sets (a string) or removes (null) topic config overrides, leaving the others as they are. */
  alterTopicConfigs(topic: string, configs: Readonly<Record<string, string | null>>): Promise<void>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** The committed offset (next to read) per partition; partitions the group never committed are absent. */
  groupOffsets(groupId: string, topic: string): Promise<Map<number, bigint>>;
  /** Sets the group's committed offsets (the group must have no running member), e.g. before a replay. */
  resetGroupOffsets(groupId: string, topic: string, offsets: ReadonlyArray<{ partition: number; offset: bigint }>): Promise<void>;
  /** Deletes every record before `before` in each partition named (tests of skipped offsets). */
  deleteRecords(topic: string, before: ReadonlyArray<{ partition: number; before: bigint }>): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaPort {
  producer(): Promise<KafkaProducerPort>;
  consumer(options: ConsumerOptions): Promise<KafkaConsumerPort>;
  admin(): KafkaAdminPort;
}
