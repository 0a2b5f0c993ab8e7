import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { moveLeaders } from './kafkaFaults';
import { PrivateKafka } from '../../testkit/privateKafka';
import { sleep } from '../../testkit/waitUntil';

/**
 * Evidence for the loss the "Kafka leader moves" scenario can show, without triplane in between:
 * kafkajs (2.2.4) producers send keyed batches with acks=all to a private three-broker cluster while
 * every partition leader of the topic moves twice (reassignment + preferred election, as the suite's
 * "Kafka leader moves" does); then the topic is read back. It prints the messages
 * send() acknowledged that the topic does not hold, and whether each belongs to a send() that resolved
 * without returning an offset for that message's partition (what kafkajs' shared per-broker response
 * map across retries does when a partition's new leader had already answered an earlier attempt).
 *
 *   TRIPLANE_PROFILE=test npx tsx test/faults/leaderMoveProducerProbe.ts
 */
const TOPIC = 'scores';
const PARTITIONS = 12;
const SENDERS = 3;

async function main(): Promise<number> {
  // A temporary folder of its own, removed by stop.
  const kafka = new PrivateKafka({ brokers: 3, proxied: true });
  await kafka.start();
  const client = new Kafka({ clientId: 'triplane-probe', brokers: kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
  // The same settings as shared/clients/kafkaProducer.ts (idempotent, murmur2 keys).
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }));
  const partitionOf = (message: Message) => partitioner({ topic: TOPIC, partitionMetadata, message });
  const acknowledged = new Set<string>();
  const unanswered = new Set<string>();
  let sent = 0;
  let failed = 0;
  let stop = false;
  try {
    await producer.connect();
    const sender = async (id: number) => {
      for (let round = 0; !stop && round < 10_000; round++) {
        const batch = Array.from({ length: 10 }, () => ({ key: `user-${sent % 20}`, value: `m-${id}-${sent++}` }));
        try {
          const answered = new Set((await producer.send({ topic: TOPIC, acks: -1, messages: batch })).map((r) => r.partition));
          for (const message of batch) {
            acknowledged.add(message.value);
            if (!answered.has(partitionOf(message))) unanswered.add(message.value);
          }
        } catch {
          failed += batch.length;
        }
        await sleep(20);
      }
    };
    const senders = Array.from({ length: SENDERS }, (_, i) => sender(i + 1));
    for (const shift of [1, 2]) {
      await sleep(1_500);
      await moveLeaders(kafka, shift, [TOPIC]);
    }
    await sleep(1_500);
    stop = true;
    await Promise.all(senders);

    const admin = client.admin();
    await admin.connect();
    const total = (await admin.fetchTopicOffsets(TOPIC)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    await admin.disconnect();
    const stored = new Set<string>();
    let read = 0;
    let lastRead = Date.now();
    const consumer = client.consumer({ groupId: `probe-${Date.now()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        read++;
        lastRead = Date.now();
        stored.add(message.value?.toString() ?? '');
        return Promise.resolve();
      },
    });
    // A rebalance can deliver some records twice, so reaching `total` reads is not enough: also wait for 3 s without a new one.
    for (let i = 0; i < 60 && (read < total || Date.now() - lastRead < 3_000); i++) await sleep(500);
    await consumer.disconnect();
    const missing = [...acknowledged].filter((value) => !stored.has(value));
    console.log(`acknowledged ${acknowledged.size}, failed ${failed}, topic holds ${total} records (${stored.size} distinct), read ${read}`);
    console.log(`acknowledged but not in the topic: ${missing.length} ${missing.slice(0, 10).join(' ')}`);
    console.log(`  of which send() returned no offset for the message's partition: ${missing.filter((value) => unanswered.has(value)).length}`);
    return missing.length > 0 ? 1 : 0;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await kafka.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
