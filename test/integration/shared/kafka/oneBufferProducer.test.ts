import { Admin, Consumer, kGetApi, produceV11, type API } from '@platformatic/kafka';
import { OneBufferProducer } from '../../../../shared/kafka/oneBufferProducer';

/** OneBufferProducer against the real Kafka of KAFKA_BROKERS (Apache Kafka 4.x), idempotent with acks=all as triplane produces. */
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const topic = `onebuffer-${run}`;
const connection = { clientId: 'triplane-onebuffer-test', bootstrapBrokers: brokers, retries: 3, retryDelay: 200 };

describe('OneBufferProducer', () => {
  const admin = new Admin(connection);
  const producer = new OneBufferProducer({ ...connection, idempotent: true, acks: -1, autocreateTopics: false });
  beforeAll(async () => {
    await admin.createTopics({ topics: [topic], partitions: 3, replicas: -1 });
  });
  afterAll(async () => {
    await producer.close();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.close();
    }
  });

  it('should produce with its own encoder on this broker, and the broker should store every record as sent across sends, partitions, sizes, text or bytes, compressed or not', async () => {
    // What the client negotiates with this broker is Produce v11, so the sends below go through encodeProduceRequestV11.
    const api = await new Promise<API<unknown[], unknown>>((resolve, reject) =>
      producer[kGetApi]('Produce', (error, found) => (error === null && found !== undefined ? resolve(found) : reject(error ?? new Error('no Produce API')))),
    );
    expect(api.version).toBe(11);
    expect(api).not.toBe(produceV11.api);

    const sent: Array<{ key: Buffer | undefined; value: Buffer; headers: Map<Buffer, Buffer>; partition: number }> = [];
    // Three sends, each continuing every partition's sequence; values from empty to 300 KB (three-byte varint lengths).
    for (let round = 0; round < 3; round++) {
      const messages = Array.from({ length: 40 }, (_, i) => {
        const n = round * 40 + i;
        const value = n % 13 === 0 ? Buffer.alloc(300_000, n) : n % 17 === 0 ? Buffer.alloc(0) : Buffer.from(JSON.stringify({ n, text: 'é'.repeat(n) }));
        const headers = new Map([
          [Buffer.from('id'), Buffer.from(`id-${n}`)],
          [Buffer.from('type'), Buffer.from(n % 2 === 0 ? 'page.viewed' : 'session.touched')],
        ]);
        const message = { topic, key: n % 11 === 0 ? undefined : Buffer.from(`k-${n % 5}`), value, headers, partition: n % 3 };
        sent.push(message);
        return message;
      });
      const result = await producer.send({ messages });
      expect(new Set((result.offsets ?? []).map((o) => o.partition))).toEqual(new Set([0, 1, 2]));
    }

    // Text where bytes go, as the KafkaPort hands records over: written as UTF-8, as Buffer.from would.
    const texts = Array.from({ length: 30 }, (_, i) => ({
      topic,
      key: `t-${i % 4}`,
      value: JSON.stringify({ i, path: `/é/😀/${i}` }),
      headers: new Map([
        ['id', `t-${i}`],
        ['type', 'page.viewed'],
      ]),
      partition: i % 3,
    }));
    await producer.send({ messages: texts });
    // Compressed, the client's own encoder writes the batch, from Buffers made of the texts.
    const compressed = texts.map((m) => ({ ...m, key: `c-${m.key}`, headers: new Map([['id', `c-${m.headers.get('id') ?? ''}`]]) }));
    await producer.send({ messages: compressed, compression: 'gzip' });
    for (const m of [...texts, ...compressed]) {
      sent.push({ key: Buffer.from(m.key), value: Buffer.from(m.value), headers: new Map([...m.headers].map(([name, value]) => [Buffer.from(name), Buffer.from(value)])), partition: m.partition });
    }

    const consumer = new Consumer({ ...connection, groupId: `g-${topic}`, maxWaitTime: 100 });
    const seen: Array<{ partition: number; key: Buffer | undefined; value: Buffer; headers: Array<[Buffer, Buffer]> }> = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxBytes: 8 * 1024 * 1024 });
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`saw ${seen.length} of ${sent.length} records`)), 20_000);
        stream.on('error', reject);
        stream.on('data', (message) => {
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a keyless record comes without a key
          seen.push({ partition: message.partition, key: message.key?.length ? message.key : undefined, value: message.value, headers: message.headerEntries });
          if (seen.length === sent.length) {
            clearTimeout(deadline);
            resolve();
          }
        });
      });
      await stream.close();
    } finally {
      await consumer.close(true);
    }
    // Each partition in the order sent, every byte as sent.
    for (const partition of [0, 1, 2]) {
      const expected = sent.filter((m) => m.partition === partition);
      const stored = seen.filter((m) => m.partition === partition);
      expect(stored.map((m) => m.value.toString('base64'))).toEqual(expected.map((m) => m.value.toString('base64')));
      expect(stored.map((m) => m.key?.toString() ?? null)).toEqual(expected.map((m) => m.key?.toString() ?? null));
      expect(stored.map((m) => m.headers.map(([name, value]) => `${name.toString()}=${value.toString()}`))).toEqual(
        expected.map((m) => [...m.headers].map(([name, value]) => `${name.toString()}=${value.toString()}`)),
      );
    }
  });
});
