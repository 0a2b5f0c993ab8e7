import { Kafka, logLevel, type Admin, type Message, type Producer } from 'kafkajs';
import { KafkaMockControl, readKafkaMockState } from '../../local/kafka-mock/kafkaMockControl';
import { kafkaMockStateFile } from '../../local/services/localPaths';
import { rememberingPartitioner } from '../../shared/clients/partitionChoices';
import { acknowledgedSend } from '../../shared/publishing/acknowledgedSend';

/**
 * The kafkajs 2.2.4 loss that acknowledgedSend closes, reproduced on the Kafka mock: a send covers two
 * partitions led by two brokers; just before it, one partition's leader moves to the other broker. The
 * old leader answers NOT_LEADER, the retry finds the new leader already answered, and kafkajs resolves
 * without ever writing that partition's message.
 */
jest.setTimeout(60_000);

const topic = `ack-send-${Date.now().toString(36)}`;
let control: KafkaMockControl;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  control = new KafkaMockControl((await readKafkaMockState(kafkaMockStateFile('test'))).control);
  await control.createTopic(topic, 12);
  kafka = new Kafka({ clientId: 'ack-send-test', brokers: (process.env.KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ createPartitioner: rememberingPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

async function leaders(): Promise<Map<number, number>> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  return new Map((metadata?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
}

async function endOffset(partition: number): Promise<number> {
  return Number((await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition)?.high ?? -1);
}

/** Two messages on partitions led by different brokers, the producer's metadata warmed up, then the second partition's leader moved onto the first's broker. */
async function stageLeaderMove(run: string): Promise<{ messages: Message[]; moved: number }> {
  const led = await leaders();
  const partitionOf = (message: Message) => rememberingPartitioner()({ topic, partitionMetadata: [...led.keys()].map((partitionId) => ({ partitionId, leader: led.get(partitionId) ?? 0, replicas: [], isr: [], partitionErrorCode: 0 })), message });
  const candidates = Array.from({ length: 200 }, (_, i) => ({ key: `${run}-${i}`, value: `${run}-${i}` }));
  const first = candidates[0] as Message;
  const firstLeader = led.get(partitionOf(first));
  const second = candidates.find((m) => led.get(partitionOf(m)) !== firstLeader);
  if (second === undefined || firstLeader === undefined) throw new Error('no two keys on different brokers');
  await producer.send({ topic, acks: -1, messages: [{ key: 'warm-up', value: 'x' }] });
  const moved = partitionOf(second);
  await control.moveLeader(topic, moved, firstLeader);
  return { messages: [{ ...first }, { ...second }], moved };
}

describe('acknowledgedSend against a partition leader move', () => {
  it('shows plain kafkajs sendBatch resolving without writing the moved partition', async () => {
    const { messages, moved } = await stageLeaderMove('plain');
    const before = await endOffset(moved);
    const acknowledged = await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
    expect(acknowledged.map((r) => r.partition)).not.toContain(moved);
    expect(await endOffset(moved)).toBe(before);
  });

  it('writes every message when the same send goes through acknowledgedSend', async () => {
    const { messages, moved } = await stageLeaderMove('acknowledged');
    const before = await endOffset(moved);
    await acknowledgedSend(producer, [{ topic, messages }]);
    expect(await endOffset(moved)).toBe(before + 1);
  });
});
