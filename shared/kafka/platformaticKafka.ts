import './promiseWithResolvers';
import { Admin, compatibilityPartitioner, ConfigResourceTypes, IncrementalAlterConfigOperationTypes, ListOffsetTimestamps, type MessageToProduce, type SASLOptions } from '@platformatic/kafka';
import { backgroundCommits } from './backgroundCommits';
import { coalescedCommits } from './coalescedCommits';
import { javaPartitionOf } from './javaPartitionOf';
import type { FetchedPartition, FetchedPiece } from './fetchedRecords';
import { OneBufferProducer } from './oneBufferProducer';
import type { Bytes } from './produceRequestV11';
import { RecordTakingConsumer } from './recordTakingConsumer';
import type {
  Acknowledgement,
  ConsumedRecord,
  OutgoingRecord,
  ConsumerOptions,
  KafkaAdminPort,
  KafkaConsumerPort,
  KafkaPort,
  KafkaProducerPort,
  KafkaSettings,
  PartitionOffsets,
  TopicDescription,
} from './KafkaPort';

/**
 * About 3 s of retrying, like triplane's kafkajs setting (5 retries from 100 ms, doubling);
 * @platformatic/kafka waits a fixed retryDelay between attempts.
 */
const RETRIES = { retries: 10, retryDelay: 300 };

interface Connection {
  clientId: string;
  bootstrapBrokers: string[];
  tls?: object;
  sasl?: SASLOptions;
  retries: number;
  retryDelay: number;
  connectTimeout?: number;
  requestTimeout?: number;
}

function connection(settings: KafkaSettings): Connection {
  const patience = settings.patience;
  return {
    clientId: settings.clientId,
    bootstrapBrokers: [...settings.brokers],
    ...(patience === undefined
      ? RETRIES
      : { retries: patience.retries, retryDelay: Math.min(RETRIES.retryDelay, patience.requestTimeoutMs), connectTimeout: patience.connectTimeoutMs, requestTimeout: patience.requestTimeoutMs }),
    ...(settings.tls ? { tls: {} } : {}),
    // MSK IAM: OAUTHBEARER with the token as a provider function, called on each authentication
    // (protocol/sasl/oauth-bearer.js); the client re-authenticates before the session lifetime the
    // broker gives (KIP-368), as the 15-minute MSK tokens need.
    ...(settings.oauthBearerToken ? { sasl: { mechanism: 'OAUTHBEARER', token: settings.oauthBearerToken } } : {}),
  };
}

/** @platformatic/kafka 2.x behind triplane's KafkaPort. */
export function platformaticKafka(settings: KafkaSettings): KafkaPort {
  return {
    producer: () => Promise.resolve().then(() => producerPort(settings)),
    consumer: async (options) => consumerPort(settings, options),
    admin: () => adminPort(settings),
  };
}

function producerPort(settings: KafkaSettings): KafkaProducerPort {
  // The client's Producer with its Produce v11 request written in one Buffer (oneBufferProducer.ts).
  const producer = new OneBufferProducer({
    ...connection(settings),
    // The client allows one request in flight per connection when idempotent (producer.js), so retries keep order.
    idempotent: true,
    acks: -1,
    autocreateTopics: false,
    // Java's murmur2 & 0x7fffffff: a key lands where kafkajs' DefaultPartitioner and MSK's Java clients
    // put it. The client's default (murmur2 >>> 0) sends about half the keys elsewhere.
    partitioner: compatibilityPartitioner,
  });
  return {
    async send(batches) {
      // Each record's partition is chosen here, once, as the client's compatibilityPartitioner would
      // (javaPartitionOf.ts, without its BigInts): the client keeps a message's own partition
      // (producer.js, #assignPartition), and the check below reads the same numbers instead of hashing
      // every key again (getSendTopicPartitions).
      const messages: Array<MessageToProduce<Bytes, Bytes, Bytes, Bytes>> = [];
      const partitionsByTopic = new Map<string, Set<number>>();
      for (const { topic, records } of batches) {
        let partitions = partitionsByTopic.get(topic);
        for (const record of records) {
          const message = toBytes(topic, record);
          if (partitions === undefined) partitionsByTopic.set(topic, (partitions = new Set()));
          partitions.add(message.partition);
          messages.push(message);
        }
      }
      if (messages.length === 0) return [];
      const result = await producer.send({ messages });
      const acknowledgements: Acknowledgement[] = (result.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }));
      // Trust a resolved send only for the partitions it reports: the rule kafkajs 2.2.4 taught us.
      const answered = new Set(acknowledgements.map((a) => `${a.topic}\u0000${a.partition}`));
      for (const [topic, partitions] of partitionsByTopic) {
        const count = producer.currentMetadata?.topics.get(topic)?.partitionsCount;
        if (count === undefined) throw new Error(`no metadata for topic ${topic} after a send to it`);
        for (const raw of partitions) if (!answered.has(`${topic}\u0000${raw % count}`)) throw new Error(`Kafka did not acknowledge ${topic}[${raw % count}]`);
      }
      return acknowledgements;
    },
    close: () => producer.close(),
  };
}

const bytes = (data: string | Buffer): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/**
 * The record for `topic`, with its partition, as the client's pass-through serializers hand it on: the
 * key as bytes (its partition is Java's murmur2 of them), the value and the headers as they are, text
 * or bytes. OneBufferProducer writes text as UTF-8 straight into the request: a Buffer made here per
 * header value and per JSON value was an allocation and a copy per record (with those Buffers, toBytes
 * was 4.9% of the ingest benchmark's main thread once the client's encoder was replaced).
 */
function toBytes(topic: string, record: OutgoingRecord): MessageToProduce<Bytes, Bytes, Bytes, Bytes> & { partition: number } {
  const key = record.key === null ? undefined : bytes(record.key);
  const headers = new Map<Bytes, Bytes>();
  for (const name of Object.keys(record.headers)) {
    const value = record.headers[name];
    if (value !== undefined) headers.set(name, value);
  }
  const message: MessageToProduce<Bytes, Bytes, Bytes, Bytes> & { partition: number } = { topic, headers, partition: javaPartitionOf(key) };
  if (key !== undefined) message.key = key;
  if (record.value !== null) message.value = record.value;
  return message;
}

async function consumerPort(settings: KafkaSettings, options: ConsumerOptions): Promise<KafkaConsumerPort> {
  const consumer = new RecordTakingConsumer({
    ...connection(settings),
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.min(1_000, Math.floor(options.sessionTimeoutMs / 3)),
    maxWaitTime: options.maxWaitMs,
    minBytes: options.minBytes,
    maxBytesPerPartition: options.maxBytesPerPartition,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
  let running = true;
  let settle: { resolve: () => void; reject: (error: unknown) => void } = { resolve: () => undefined, reject: () => undefined };
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  // A failure nobody awaits yet (before run, or after stop) must not become an unhandled rejection, which ends the process.
  done.catch(() => undefined);
  // The partitions' drains running: stopping waits for each one's batch in flight.
  const inFlight = new Set<Promise<void>>();
  const close = async (stream?: { close(): Promise<void> }) => {
    await stream?.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
  };
  // The consumer is dead, and says so, in two ways the stream does not show: a rejoin that failed
  // (consumer.js emits 'error' and schedules no heartbeat again; unheard, an 'error' event would
  // throw and end the process) and heartbeats stalled past the rebalance timeout. Either fails the
  // consumer, so its owner starts a new one from the committed offsets; the librdkafka-mock-era
  // watchdog that guessed a wedge from silence has no work left.
  let failStream: (error: unknown) => void = (error) => {
    running = false;
    void close().then(() => settle.reject(error));
  };
  consumer.on('error', (error: unknown) => failStream(error));
  consumer.on('consumer:heartbeat:stalled', ({ lastError, stalledFor }) =>
    failStream(new Error(`Kafka consumer heartbeats stalled for ${Math.round(stalledFor / 1000)} s${lastError ? `: ${lastError.message}` : ''}`, lastError ? { cause: lastError } : undefined)),
  );
  // A rejoin may have moved partitions: batches of the generation before it are stale, and dropped.
  // After a join the stream fetches again from the committed offsets (messages-stream.js,
  // onConsumerGroupJoin), but only where the group has committed one: elsewhere it goes on from past
  // the last records it fetched, and the records dropped here would never come again (a group's first
  // minutes, or a partition never committed). So at every group change each partition's fetch offset
  // is put back to the first record this consumer had not finished (the batch in flight, or else the
  // first one queued); a committed offset still wins where there is one. A fetch answered across the
  // change moves no offset (RecordTakingConsumer). Tested on real Kafka with a second member joining.
  let generation = 0;
  const commit = coalescedCommits((offsets) => consumer.commit({ offsets }));
  const inBackground = backgroundCommits(commit, (error) => failStream(error));
  const stream = await consumer.consume({ topics: [options.topic], mode: 'committed', fallbackMode: options.startAt, autocommit: false }).catch(async (error: unknown) => {
    running = false;
    await close();
    throw error;
  });
  const queues = new Map<number, PartitionQueue>();
  const putBackUnfinished = () => {
    const fetchOffsets = stream.offsetsToFetch;
    for (const [partition, queue] of queues) {
      const head = queue.fetched[0];
      const from = queue.inFlightFrom ?? head?.pieces[head.next]?.firstOffset;
      if (from === undefined) continue;
      // The stream's key for a partition's fetch offset (messages-stream.js, partitionKey).
      const key = `${options.topic}:${partition}`;
      const at = fetchOffsets.get(key);
      if (at === undefined || from < at) fetchOffsets.set(key, from);
    }
  };
  // The first join happened within consume(), before any record: counted from here on.
  const groupChanged = () => {
    generation++;
    putBackUnfinished();
  };
  consumer.on('consumer:group:join', groupChanged);
  consumer.on('consumer:group:rebalance', groupChanged);
  const stop = async () => {
    if (!running) return;
    running = false;
    await Promise.all(inFlight);
    await inBackground.settled();
    await close(stream);
  };
  failStream = (error) => {
    if (!running) return;
    // Not stop(): the failure may come from inside a drain, which would then wait for itself.
    running = false;
    void close(stream).then(() => settle.reject(error));
  };
  stream.on('error', (error: unknown) => failStream(error));
  return {
    done,
    stop: async () => {
      await stop();
      settle.resolve();
    },
    run(handler) {
      // Each partition has its own queue and its own drain: a partition's records are handed over as
      // soon as its previous batch returned, whatever the other partitions do, and the stream keeps
      // fetching while they run, so decoding the next fetch overlaps invoking this one (Lambda's
      // poller keeps polling while it invokes). One batch in flight per partition, in order; the
      // stream pauses once the records queued and not yet handed over pass about one fetch.
      const pauseAtBytes = options.maxBytes ?? options.maxBytesPerPartition;
      let queuedBytes = 0;
      let paused = false;
      const maxRecords = options.maxRecordsPerBatch ?? Infinity;
      const resumeIfRoom = () => {
        if (paused && queuedBytes < pauseAtBytes && running) {
          paused = false;
          stream.resume();
        }
      };
      const dropQueued = (queue: PartitionQueue) => {
        queue.fetched = [];
        queuedBytes -= queue.bytes;
        queue.bytes = 0;
        resumeIfRoom();
      };
      /**
       * The queue's next record batches, whole, while they hold fewer than maxRecords records (at least
       * one batch), read into records now; the leader epoch of the last fetch they came from.
       */
      const takeNext = (queue: PartitionQueue): { records: ConsumedRecord[]; leaderEpoch: number } => {
        const records: ConsumedRecord[] = [];
        let leaderEpoch = queue.leaderEpoch;
        let count = 0;
        for (let entry = queue.fetched[0]; entry !== undefined && (count === 0 || count < maxRecords); entry = queue.fetched[0]) {
          const piece = entry.pieces[entry.next++];
          if (piece !== undefined) {
            count += piece.count;
            leaderEpoch = entry.leaderEpoch;
            for (const record of piece.records()) records.push(record);
          }
          if (entry.next >= entry.pieces.length) {
            queue.fetched.shift();
            queue.bytes -= entry.bytes;
            queuedBytes -= entry.bytes;
          }
        }
        resumeIfRoom();
        return { records, leaderEpoch };
      };
      const drain = async (partition: number, queue: PartitionQueue) => {
        // Let the fetch response's other partitions be queued first (one turn of the event loop).
        await new Promise((resolve) => setImmediate(resolve));
        try {
          await drainQueued(partition, queue);
        } finally {
          // In the same synchronous step as the loop's last look at the queue: a record queued after it starts a new drain.
          queue.draining = undefined;
        }
      };
      const drainQueued = async (partition: number, queue: PartitionQueue) => {
        while (running && queue.fetched.length > 0) {
          const batchGeneration = queue.generation;
          // Fetched before a rejoin: fetched again from the committed offset or where they were put back.
          if (batchGeneration !== generation) {
            dropQueued(queue);
            continue;
          }
          const { records, leaderEpoch } = takeNext(queue);
          const first = records[0];
          if (first === undefined) continue;
          queue.inFlightFrom = first.offset;
          await handler({
            topic: options.topic,
            partition,
            records,
            stillAssigned: () => running && generation === batchGeneration,
            commit: (nextOffset) => commit({ topic: options.topic, partition, offset: nextOffset, leaderEpoch }),
            commitInBackground: (nextOffset) => inBackground.send({ topic: options.topic, partition, offset: nextOffset, leaderEpoch }),
          }).finally(() => (queue.inFlightFrom = undefined));
        }
      };
      const queueFetched = (fetched: FetchedPartition) => {
        const { partition, leaderEpoch, bytes } = fetched;
        let queue = queues.get(partition);
        if (queue === undefined) {
          queue = { fetched: [], bytes: 0, leaderEpoch, generation, draining: undefined, inFlightFrom: undefined };
          queues.set(partition, queue);
        }
        if (queue.generation !== generation) {
          // Fetched before a rejoin and not handed over yet: dropped, fetched again (putBackUnfinished).
          dropQueued(queue);
          queue.generation = generation;
        }
        queue.fetched.push({ pieces: fetched.pieces, next: 0, bytes, leaderEpoch });
        queue.leaderEpoch = leaderEpoch;
        queue.bytes += bytes;
        queuedBytes += bytes;
        if (!paused && queuedBytes >= pauseAtBytes) {
          paused = true;
          stream.pause();
        }
        if (queue.draining !== undefined) return;
        const draining = drain(partition, queue).catch((error: unknown) => failStream(error));
        queue.draining = draining;
        inFlight.add(draining);
        void draining.then(() => inFlight.delete(draining));
      };
      consumer.takeRecords((fetched) => {
        // A response that arrives while the consumer stops is not handed over: nothing more is committed.
        if (!running) return;
        try {
          for (const partition of fetched) queueFetched(partition);
        } catch (error) {
          failStream(error);
        }
      });
      // Nothing is ever pushed through the stream (the records are taken above); flowing is what starts its fetch loop.
      stream.resume();
    },
  };
}

/** A fetch's record batches of one partition, queued; `next` is the first not handed over yet. */
interface QueuedFetch {
  pieces: readonly FetchedPiece[];
  next: number;
  bytes: number;
  leaderEpoch: number;
}

interface PartitionQueue {
  /** Read into records only when handed over. */
  fetched: QueuedFetch[];
  bytes: number;
  /** Of the last fetch queued; a batch handed over is committed with the epoch of the last fetch its records came from (QueuedFetch). */
  leaderEpoch: number;
  generation: number;
  draining: Promise<void> | undefined;
  /** The first offset of the batch handed over and not returned yet. */
  inFlightFrom: bigint | undefined;
}

function adminPort(settings: KafkaSettings): KafkaAdminPort {
  const admin = new Admin(connection(settings));
  const partitionCount = async (topic: string): Promise<number> => {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    const count = metadata.topics.get(topic)?.partitionsCount;
    if (count === undefined) throw new Error(`topic ${topic} does not exist`);
    return count;
  };
  const offsetsAt = async (topic: string, count: number, timestamp: bigint): Promise<Map<number, bigint>> => {
    const listed = await admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp })) }] });
    return new Map((listed.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  };
  return {
    async createTopics(topics) {
      for (const { name, partitions, replicationFactor, configs } of topics) {
        await admin.createTopics({ topics: [name], partitions, replicas: replicationFactor ?? -1, configs: Object.entries(configs ?? {}).map(([key, value]) => ({ name: key, value })) });
      }
    },
    async deleteTopics(names) {
      if (names.length > 0) await admin.deleteTopics({ topics: [...names] });
    },
    listTopics: () => admin.listTopics(),
    async describeCluster() {
      const metadata = await admin.metadata({ topics: [], forceUpdate: true });
      return { clusterId: metadata.id, controllerId: metadata.controllerId, brokers: [...metadata.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port })) };
    },
    async describeTopics(topics) {
      const names = topics === undefined ? await admin.listTopics() : [...topics];
      if (names.length === 0) return [];
      const metadata = await admin.metadata({ topics: names, forceUpdate: true });
      return names.flatMap((name): TopicDescription[] => {
        const topic = metadata.topics.get(name);
        if (topic === undefined) return [];
        return [{ name, partitions: topic.partitions.map((p, partition) => ({ partition, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] })) }];
      });
    },
    async topicConfigs(topic, names) {
      const [described] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: [...names] }] });
      return Object.fromEntries((described?.configs ?? []).filter((c) => c.value !== null).map((c) => [c.name, String(c.value)]));
    },
    async alterTopicConfigs(topic, configs) {
      await admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: topic,
            configs: Object.entries(configs).map(([name, value]) =>
              value === null ? { name, configOperation: IncrementalAlterConfigOperationTypes.DELETE } : { name, configOperation: IncrementalAlterConfigOperationTypes.SET, value },
            ),
          },
        ],
      });
    },
    async partitions(topic) {
      const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
      return (metadata.topics.get(topic)?.partitions ?? []).map((p, partition) => ({ partition, leader: p.leader, isr: [...p.isr] }));
    },
    async topicOffsets(topic) {
      const count = await partitionCount(topic);
      const [low, high] = await Promise.all([offsetsAt(topic, count, ListOffsetTimestamps.EARLIEST), offsetsAt(topic, count, ListOffsetTimestamps.LATEST)]);
      return Array.from({ length: count }, (_, partition): PartitionOffsets => ({ partition, low: low.get(partition) ?? 0n, high: high.get(partition) ?? 0n }));
    },
    async groupOffsets(groupId, topic) {
      const groups = await admin.listConsumerGroupOffsets({ groups: [groupId] });
      const partitions = groups.find((g) => g.groupId === groupId)?.topics.find((t) => t.name === topic)?.partitions ?? [];
      // -1: the group has no committed offset for that partition.
      return new Map(partitions.filter((p) => p.committedOffset >= 0n).map((p) => [p.partitionIndex, p.committedOffset]));
    },
    async resetGroupOffsets(groupId, topic, offsets) {
      await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) }] });
    },
    async deleteRecords(topic, before) {
      await admin.deleteRecords({ topics: [{ name: topic, partitions: before.map((b) => ({ partition: b.partition, offset: b.before })) }] });
    },
    close: () => admin.close(),
  };
}
