import { localConfig } from '../../../../emulator/config/localConfig';
import { kafkaProducer } from '../../../../shared/clients/kafkaProducer';
import { localKafkaClient } from '../../../../shared/kafka/kafkaClient';
import { KAFKA_REQUEST_LIMITS, outgoingBytes, piecesWithin } from '../../../../shared/publishing/gatheredProduce';

/**
 * Why publishToKafka and the dead-letter publisher send a call in pieces (piecesWithin), on the real
 * broker: 12 records of 250 KB on one key, within ingest's own limits, put 3 MB on one partition. Sent
 * as one request, Kafka refuses it (message.max.bytes, 1 MB by default), and a retry is refused the
 * same way; sent in pieces within KAFKA_REQUEST_LIMITS, each acknowledged before the next, all 12 are
 * stored, in order. A topic of this test's own: the system's topics never see the large records.
 */
jest.setTimeout(60_000);

const topic = `pieces-${Date.now().toString(36)}`;
const admin = localKafkaClient(localConfig().KAFKA_BROKERS ?? [], 'triplane-test-publish-pieces').admin();

beforeAll(() => admin.createTopics([{ name: topic, partitions: 12 }]));
afterAll(async () => {
  await admin.deleteTopics([topic]);
  await admin.close();
});

const stored = async (): Promise<number> => (await admin.topicOffsets(topic)).reduce((total, p) => total + Number(p.high), 0);

describe('a call past what one partition batch holds', () => {
  const records = Array.from({ length: 12 }, (_, i) => ({ key: 'one-key', value: `${i}:${'x'.repeat(250_000)}`, headers: {} }));

  it('is refused by Kafka when sent whole, and stored whole, in order, when sent in pieces', async () => {
    const producer = await kafkaProducer();
    await expect(producer.send([{ topic, records }])).rejects.toThrow();
    expect(await stored()).toBe(0);

    const pieces = piecesWithin(
      records.map((record) => ({ topic, record, bytes: outgoingBytes(record) })),
      KAFKA_REQUEST_LIMITS,
    );
    expect(pieces.length).toBeGreaterThan(1);
    const partitions = new Set<number>();
    for (const piece of pieces) for (const ack of await producer.send([{ topic, records: piece.map((p) => p.record) }])) partitions.add(ack.partition);
    expect(await stored()).toBe(12);
    expect([...partitions]).toHaveLength(1);
  });
});
