import { localConfig } from '../../../../emulator/config/localConfig';
import { createEnvelope } from '../../../../shared/envelope/envelope';
import { localKafkaClient } from '../../../../shared/kafka/kafkaClient';
import { publishToKafka } from '../../../../shared/publishing/publishToKafka';

/**
 * One call whose events all land on one partition and together pass what Kafka takes in one batch
 * there (message.max.bytes, 1 MB by default): 12 events of 250 KB on one key, within ingest's own
 * limits. Sent whole, Kafka refused it on every retry; sent in pieces, each acknowledged before the
 * next, all 12 are stored, in order, on the real broker.
 */
jest.setTimeout(60_000);

const admin = () => localKafkaClient(localConfig().KAFKA_BROKERS ?? [], 'triplane-test-publish-pieces').admin();

async function endOffsets(topic: string): Promise<Map<number, bigint>> {
  const client = admin();
  try {
    return new Map((await client.topicOffsets(topic)).map((p) => [p.partition, p.high]));
  } finally {
    await client.close();
  }
}

describe('publishToKafka with one call past a partition batch', () => {
  it('stores every event of a call of 3 MB on one key, in the order given', async () => {
    const userId = `big-${Date.now().toString(36)}`;
    const envelopes = Array.from({ length: 12 }, (_, i) => createEnvelope({ type: 'page.viewed', version: 1, key: userId, source: 'test', data: { userId, page: `/p${i}/${'x'.repeat(250_000)}` } }));
    const before = await endOffsets('activity');
    await publishToKafka(envelopes);
    const after = await endOffsets('activity');
    const grown = [...after].map(([partition, high]) => Number(high - (before.get(partition) ?? 0n))).filter((n) => n > 0);
    // One key, one partition: all 12 there, nothing elsewhere (other tests may write to activity meanwhile under the lock: none run).
    expect(grown).toEqual([12]);
  });
});
