import type { ConsumeMessage, MessageProperties, Options } from 'amqplib';
import { formatRabbitMqTimestamp, toRabbitMqHeaderValue, toRabbitMqTriggerEvent, toRabbitMqTriggerMessage } from '../../../../emulator/runtime/rabbitMqTriggerEvent';
import { createEnvelope, deriveEnvelope } from '../../../../shared/envelope/envelope';
import { parseEnvelope } from '../../../../shared/envelope/parseEnvelope';
import { toAmqpMessage } from '../../../../shared/envelope/toAmqpMessage';
import { splitQueueKey } from '../../../../shared/middleware/batch/rabbitMqRecordBatch';
import { attemptOf, decodeRabbitMqHeaders } from '../../../../shared/triggers/rabbitmq/decodeRabbitMqHeaders';

const NO_PROPERTIES: MessageProperties = {
  contentType: undefined,
  contentEncoding: undefined,
  headers: undefined,
  deliveryMode: undefined,
  priority: undefined,
  correlationId: undefined,
  replyTo: undefined,
  expiration: undefined,
  messageId: undefined,
  timestamp: undefined,
  type: undefined,
  userId: undefined,
  appId: undefined,
  clusterId: undefined,
};

/** A delivery as amqplib hands it to a consumer. */
const consumeMessage = (content: Buffer, properties: Partial<MessageProperties> = {}, redelivered = false): ConsumeMessage => ({
  content,
  fields: { deliveryTag: 1, redelivered, exchange: 'triplane.workflow', routingKey: 'payment.authorize', consumerTag: 'ctag-1' },
  properties: { ...NO_PROPERTIES, ...properties },
});

/** What the broker delivers for a message published with `options` (amqplib turns `persistent` into deliveryMode 2). */
const delivered = (content: Buffer, options: Options.Publish, redelivered = false): ConsumeMessage => {
  const { persistent, mandatory: _mandatory, CC: _cc, BCC: _bcc, ...rest } = options;
  return consumeMessage(content, { ...rest, deliveryMode: persistent === undefined ? options.deliveryMode : persistent ? 2 : 1 }, redelivered);
};

/** The message of the AWS documentation's sample `aws:rmq` event. */
const AWS_SAMPLE_DATA = 'eyJ0aW1lb3V0IjowLCJkYXRhIjoiQ1pybWYwR3c4T3Y0YnFMUXhENEUifQ==';
const awsSampleMessage = (): ConsumeMessage =>
  consumeMessage(Buffer.from(AWS_SAMPLE_DATA, 'base64'), {
    contentType: 'text/plain',
    headers: { header1: 'value1', header2: Buffer.from('value2'), numberInHeader: 10 },
    deliveryMode: 1,
    priority: 34,
    expiration: '60000',
    timestamp: 2021,
    userId: 'AIDACKCEVSQ6C2EXAMPLE',
  });

describe('formatRabbitMqTimestamp', () => {
  it('should format seconds as the AWS sample does', () => {
    // act
    const text = formatRabbitMqTimestamp(2021);

    // assess
    expect(text).toBe('Jan 1, 1970, 12:33:41 AM');
  });

  it('should give each second its own text when the same second comes again in between others', () => {
    // act
    const texts = [formatRabbitMqTimestamp(2021), formatRabbitMqTimestamp(2021), formatRabbitMqTimestamp(2022), formatRabbitMqTimestamp(2021)];

    // assess
    expect(texts).toEqual(['Jan 1, 1970, 12:33:41 AM', 'Jan 1, 1970, 12:33:41 AM', 'Jan 1, 1970, 12:33:42 AM', 'Jan 1, 1970, 12:33:41 AM']);
  });

  it('should put a plain space before AM and PM', () => {
    // act
    const texts = [formatRabbitMqTimestamp(0), formatRabbitMqTimestamp(1_768_478_400)];

    // assess
    expect(texts).toEqual(['Jan 1, 1970, 12:00:00 AM', 'Jan 15, 2026, 12:00:00 PM']);
    for (const text of texts) expect(text).not.toMatch(/[\u202f\u00a0]/);
  });

  it('should format in UTC with an unpadded 12-hour clock', () => {
    // act
    const text = formatRabbitMqTimestamp(Date.UTC(2026, 11, 31, 13, 5, 9) / 1000);

    // assess
    expect(text).toBe('Dec 31, 2026, 1:05:09 PM');
  });

  it.each([undefined, Number.NaN, Number.POSITIVE_INFINITY])('should give null for %s', (seconds) => {
    // act
    const text = formatRabbitMqTimestamp(seconds);

    // assess
    expect(text).toBeNull();
  });
});

describe('toRabbitMqHeaderValue', () => {
  it('should turn text into {bytes}', () => {
    // act
    const value = toRabbitMqHeaderValue('value1');

    // assess
    expect(value).toEqual({ bytes: [118, 97, 108, 117, 101, 49] });
  });

  it('should give non-ASCII text as signed bytes, as Java does', () => {
    // act
    const values = [toRabbitMqHeaderValue('é'), toRabbitMqHeaderValue(Buffer.from('café'))];

    // assess
    expect(values).toEqual([{ bytes: [-61, -87] }, { bytes: [99, 97, 102, -61, -87] }]);
  });

  it("should give every byte value as Java's signed byte, an empty buffer as no bytes", () => {
    // prepare
    const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));

    // act
    const values = [toRabbitMqHeaderValue(all), toRabbitMqHeaderValue(Buffer.alloc(0))];

    // assess
    expect(values).toEqual([{ bytes: Array.from({ length: 256 }, (_, b) => (b > 127 ? b - 256 : b)) }, { bytes: [] }]);
  });

  it.each([
    [10, 10],
    [-2.5, -2.5],
    [true, true],
    [false, false],
    [null, null],
    [undefined, null],
  ])('should keep %s as %s', (input, expected) => {
    // act
    const value = toRabbitMqHeaderValue(input);

    // assess
    expect(value).toEqual(expected);
  });

  it('should give a date as its milliseconds', () => {
    // act
    const value = toRabbitMqHeaderValue(new Date('2026-01-15T10:00:00.000Z'));

    // assess
    expect(value).toBe(Date.parse('2026-01-15T10:00:00.000Z'));
  });

  it('should convert inside arrays and tables', () => {
    // act
    const value = toRabbitMqHeaderValue({ list: ['a', 1, [true, 'é']], table: { name: 'x', n: 2, none: undefined } });

    // assess
    expect(value).toEqual({ list: [{ bytes: [97] }, 1, [true, { bytes: [-61, -87] }]], table: { name: { bytes: [120] }, n: 2, none: null } });
  });

  it('should decode back to what it was given', () => {
    // prepare
    const headers = { text: 'café ☕', n: 7, flag: false, list: ['a', 2], table: { inner: 'é' } };

    // act
    const decoded = decodeRabbitMqHeaders(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, toRabbitMqHeaderValue(v)])));

    // assess
    expect(decoded).toEqual(headers);
  });
});

describe('toRabbitMqTriggerMessage', () => {
  it('should build the message of the AWS sample', () => {
    // prepare
    const message = awsSampleMessage();

    // act
    const built = toRabbitMqTriggerMessage(message);

    // assess
    expect(built).toEqual({
      basicProperties: {
        contentType: 'text/plain',
        contentEncoding: null,
        headers: { header1: { bytes: [118, 97, 108, 117, 101, 49] }, header2: { bytes: [118, 97, 108, 117, 101, 50] }, numberInHeader: 10 },
        deliveryMode: 1,
        priority: 34,
        correlationId: null,
        replyTo: null,
        expiration: '60000',
        messageId: null,
        timestamp: 'Jan 1, 1970, 12:33:41 AM',
        type: null,
        userId: 'AIDACKCEVSQ6C2EXAMPLE',
        appId: null,
        clusterId: null,
        bodySize: message.content.length,
      },
      redelivered: false,
      data: AWS_SAMPLE_DATA,
    });
  });

  it('should give null for every property the message does not have, and empty headers', () => {
    // act
    const built = toRabbitMqTriggerMessage(consumeMessage(Buffer.from('{}')));

    // assess
    expect(built.basicProperties).toEqual({
      contentType: null,
      contentEncoding: null,
      headers: {},
      deliveryMode: null,
      priority: null,
      correlationId: null,
      replyTo: null,
      expiration: null,
      messageId: null,
      timestamp: null,
      type: null,
      userId: null,
      appId: null,
      clusterId: null,
      bodySize: 2,
    });
  });

  it('should keep the redelivered flag', () => {
    // act
    const built = toRabbitMqTriggerMessage(consumeMessage(Buffer.from('x'), {}, true));

    // assess
    expect(built.redelivered).toBe(true);
  });

  it('should give the body as base64 and its size in bytes', () => {
    // prepare
    const content = Buffer.from('{"name":"café"}');

    // act
    const built = toRabbitMqTriggerMessage(consumeMessage(content));

    // assess
    expect(built.data).toBe(content.toString('base64'));
    expect(Buffer.from(built.data, 'base64').equals(content)).toBe(true);
    expect(built.basicProperties.bodySize).toBe(16);
  });

  it('should give an empty body as an empty string', () => {
    // act
    const built = toRabbitMqTriggerMessage(consumeMessage(Buffer.alloc(0)));

    // assess
    expect(built).toMatchObject({ data: '', basicProperties: { bodySize: 0 } });
  });
});

describe('toRabbitMqTriggerEvent', () => {
  it('should build the aws:rmq event of the AWS sample, keyed <queue>::<vhost>', () => {
    // prepare
    const arn = 'arn:aws:mq:us-west-2:111122223333:broker:pizzaBroker:b-9bcfa592-423a-4942-879d-eb284b418fc8';
    const message = awsSampleMessage();

    // act
    const event = toRabbitMqTriggerEvent(arn, 'pizzaQueue', '/', [message]);

    // assess
    expect(event).toEqual({ eventSource: 'aws:rmq', eventSourceArn: arn, rmqMessagesByQueue: { 'pizzaQueue::/': [toRabbitMqTriggerMessage(message)] } });
  });

  it('should keep the messages of a batch in order', () => {
    // prepare
    const messages = ['a', 'b', 'c'].map((body) => consumeMessage(Buffer.from(body)));

    // act
    const event = toRabbitMqTriggerEvent('arn', 'q', 'vh', messages);

    // assess
    expect(Object.keys(event.rmqMessagesByQueue)).toEqual(['q::vh']);
    expect(event.rmqMessagesByQueue['q::vh']?.map((m) => Buffer.from(m.data, 'base64').toString())).toEqual(['a', 'b', 'c']);
  });

  it('should give an empty batch as an empty list', () => {
    // act
    const event = toRabbitMqTriggerEvent('arn', 'q', '/', []);

    // assess
    expect(event.rmqMessagesByQueue).toEqual({ 'q::/': [] });
  });
});

describe('aws:rmq round trip', () => {
  const placed = createEnvelope<Record<string, unknown>>({
    type: 'order.placed',
    version: 1,
    key: 'o-1',
    source: 'triplane/ingest-events',
    id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    time: new Date('2026-01-15T10:00:00.250Z'),
    data: { orderId: 'o-1', userId: 'u-1', amount: 1999, currency: 'EUR', paymentToken: 'tok_ok', items: [{ sku: 'sku-1', qty: 1 }] },
  });
  const command = deriveEnvelope(placed, { type: 'payment.authorize', version: 1, key: 'o-1', data: placed.data, source: 'triplane/start-order-workflow', id: '01ARZ3NDEKTSV4RRFFQ69G5FB0' });

  it('should deliver an envelope published with toAmqpMessage back to a step intact', () => {
    // prepare
    const { content, options } = toAmqpMessage(command, 2);

    // act
    const event = toRabbitMqTriggerEvent('arn:aws:mq:local', 'payment.authorize', 'triplane', [delivered(content, options, true)]);

    // assess
    const entries = Object.entries(event.rmqMessagesByQueue);
    expect(entries).toHaveLength(1);
    const [key, messages] = entries[0] ?? ['', []];
    expect(splitQueueKey(key)).toEqual({ queue: 'payment.authorize', vhost: 'triplane' });
    expect(messages).toHaveLength(1);
    const message = messages[0];
    const headers = decodeRabbitMqHeaders(message?.basicProperties.headers);
    expect(headers).toEqual({ 'x-hops': '1', attempt: 2 });
    expect(attemptOf(headers)).toBe(2);
    expect(message?.basicProperties).toMatchObject({
      contentType: 'application/json',
      deliveryMode: 2,
      messageId: command.id,
      type: 'payment.authorize',
      correlationId: placed.id,
      timestamp: formatRabbitMqTimestamp(Math.floor(Date.parse(command.time) / 1000)),
      bodySize: content.length,
    });
    expect(message?.redelivered).toBe(true);
    const body = Buffer.from(message?.data ?? '', 'base64').toString('utf8');
    expect(JSON.parse(body)).toEqual(command);
    expect(parseEnvelope(body)).toEqual(command);
  });

  it('should number the attempt 1 and send the hop count as text by default', () => {
    // prepare
    const { content, options } = toAmqpMessage(command);

    // act
    const message = toRabbitMqTriggerMessage(delivered(content, options));

    // assess
    expect(message.basicProperties.headers).toEqual({ 'x-hops': { bytes: [49] }, attempt: 1 });
    expect(attemptOf(decodeRabbitMqHeaders(message.basicProperties.headers))).toBe(1);
  });

  it('should find the queue and vhost again when the queue name itself contains ::', () => {
    // act
    const event = toRabbitMqTriggerEvent('arn', 'odd::queue', '/', []);

    // assess
    expect(Object.keys(event.rmqMessagesByQueue).map(splitQueueKey)).toEqual([{ queue: 'odd::queue', vhost: '/' }]);
  });
});
