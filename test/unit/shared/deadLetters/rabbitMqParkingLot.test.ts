import { toParkingLotMessage } from '../../../../shared/deadLetters/rabbitMqParkingLot';
import type { RejectedRecord } from '../../../../shared/middleware/batch/RecordBatch';
import { PARKING_LOT_EXCHANGE, parkingLotOf, workflowQueues } from '../../../../shared/routes/workflow';
import type { RabbitMqSource, RabbitMqTriggerMessage } from '../../../../shared/triggers/rabbitmq/RabbitMqTriggerEvent';

const BODY = Buffer.from('{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"payment.authorize","note":"café"}');
const NOW = new Date('2026-01-15T10:00:00.000Z');

const triggerMessage = (overrides: Partial<RabbitMqTriggerMessage> = {}): RabbitMqTriggerMessage => ({
  basicProperties: {
    contentType: 'application/json',
    contentEncoding: null,
    headers: { 'x-hops': { bytes: [50] }, attempt: 3, note: { bytes: [99, 97, 102, -61, -87] } },
    deliveryMode: 2,
    priority: null,
    correlationId: 'corr-1',
    replyTo: null,
    expiration: null,
    messageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    timestamp: 'Jan 15, 2026, 10:00:00 AM',
    type: 'payment.authorize',
    userId: null,
    appId: null,
    clusterId: null,
    bodySize: BODY.length,
  },
  redelivered: false,
  data: BODY.toString('base64'),
  ...overrides,
});

const rejected = (message: RabbitMqTriggerMessage, reason = 'data.amount: too big', stage: RejectedRecord<RabbitMqSource>['stage'] = 'decode'): RejectedRecord<RabbitMqSource> => ({
  source: { queue: 'payment.authorize', vhost: '/', message },
  reason,
  stage,
});

describe('toParkingLotMessage', () => {
  it("should send the message to its queue's parking lot on the parking-lot exchange", () => {
    // act
    const parked = toParkingLotMessage(rejected(triggerMessage()), 'authorize-payment', NOW);

    // assess
    expect(parked.exchange).toBe(PARKING_LOT_EXCHANGE);
    expect(parked.routingKey).toBe(parkingLotOf('payment.authorize'));
    expect(parked.routingKey).toBe('payment.authorize.parking-lot');
  });

  it('should route to a parking-lot queue that is declared and bound with that routing key', () => {
    // act
    const parked = toParkingLotMessage(rejected(triggerMessage()), 'authorize-payment', NOW);

    // assess
    const bound = workflowQueues().filter((q) => q.bindTo?.exchange === parked.exchange && q.bindTo.routingKey === parked.routingKey);
    expect(bound.map((q) => q.queue)).toEqual(['payment.authorize.parking-lot']);
  });

  it('should keep the body byte for byte', () => {
    // act
    const parked = toParkingLotMessage(rejected(triggerMessage()), 'authorize-payment', NOW);

    // assess
    expect(parked.content.equals(BODY)).toBe(true);
  });

  it('should keep a body that is not valid base64 as its text', () => {
    // prepare
    const message = triggerMessage({ data: 'not base64 at all!' });

    // act
    const parked = toParkingLotMessage(rejected(message, 'data: not valid base64'), 'authorize-payment', NOW);

    // assess
    expect(parked.content.toString('utf8')).toBe('not base64 at all!');
  });

  it('should keep an empty body empty', () => {
    // act
    const parked = toParkingLotMessage(rejected(triggerMessage({ data: '' })), 'authorize-payment', NOW);

    // assess
    expect(parked.content).toHaveLength(0);
  });

  it('should keep the content type, message id, type and correlation id, persistently', () => {
    // act
    const { options } = toParkingLotMessage(rejected(triggerMessage()), 'authorize-payment', NOW);

    // assess
    expect(options).toMatchObject({
      persistent: true,
      contentType: 'application/json',
      messageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      type: 'payment.authorize',
      correlationId: 'corr-1',
    });
  });

  it('should keep a content type other than JSON', () => {
    // prepare
    const message = triggerMessage();
    message.basicProperties.contentType = 'text/plain';

    // act
    const { options } = toParkingLotMessage(rejected(message), 'authorize-payment', NOW);

    // assess
    expect(options.contentType).toBe('text/plain');
  });

  it('should default to JSON and leave out ids a message did not have', () => {
    // prepare
    const message = triggerMessage({ basicProperties: {} });

    // act
    const { options } = toParkingLotMessage(rejected(message), 'authorize-payment', NOW);

    // assess
    expect(options.contentType).toBe('application/json');
    expect(options).not.toHaveProperty('messageId');
    expect(options).not.toHaveProperty('type');
    expect(options).not.toHaveProperty('correlationId');
  });

  it('should keep the original headers, decoded, and add why, where, by whom and when it was parked', () => {
    // act
    const { options } = toParkingLotMessage(rejected(triggerMessage(), 'data.amount: too big', 'decode'), 'authorize-payment', NOW);

    // assess
    expect(options.headers).toEqual({
      'x-hops': '2',
      note: 'café',
      attempt: 3,
      'x-triplane-reason': 'data.amount: too big',
      'x-triplane-stage': 'decode',
      'x-triplane-consumer': 'authorize-payment',
      'x-triplane-queue': 'payment.authorize',
      'x-triplane-redelivered': false,
      'x-triplane-parked-at': '2026-01-15T10:00:00.000Z',
    });
  });

  it.each<RejectedRecord<RabbitMqSource>['stage']>(['decode', 'hop-limit', 'handler'])('should name the %s stage', (stage) => {
    // act
    const { options } = toParkingLotMessage(rejected(triggerMessage(), 'why', stage), 'c', NOW);

    // assess
    expect(options.headers).toMatchObject({ 'x-triplane-stage': stage, 'x-triplane-reason': 'why' });
  });

  it('should say when the message was a redelivery', () => {
    // act
    const { options } = toParkingLotMessage(rejected(triggerMessage({ redelivered: true })), 'c', NOW);

    // assess
    expect(options.headers).toMatchObject({ 'x-triplane-redelivered': true });
  });

  it('should number a message without headers as attempt 1', () => {
    // prepare
    const message = triggerMessage();
    message.basicProperties.headers = null;

    // act
    const { options } = toParkingLotMessage(rejected(message), 'c', NOW);

    // assess
    expect(options.headers).toMatchObject({ attempt: 1 });
  });

  it('should read an attempt that came as text', () => {
    // prepare
    const message = triggerMessage();
    message.basicProperties.headers = { attempt: { bytes: [52] } };

    // act
    const { options } = toParkingLotMessage(rejected(message), 'c', NOW);

    // assess
    expect(options.headers).toMatchObject({ attempt: 4 });
  });

  it('should replace a bad attempt header with 1', () => {
    // prepare
    const message = triggerMessage();
    message.basicProperties.headers = { attempt: { bytes: [120] } };

    // act
    const { options } = toParkingLotMessage(rejected(message), 'c', NOW);

    // assess
    expect(options.headers).toMatchObject({ attempt: 1 });
  });

  it('should cut a long reason to 2000 characters', () => {
    // act
    const { options } = toParkingLotMessage(rejected(triggerMessage(), 'r'.repeat(5000)), 'c', NOW);

    // assess
    expect(options.headers).toMatchObject({ 'x-triplane-reason': 'r'.repeat(2000) });
  });

  it('should not change the rejected message', () => {
    // prepare
    const record = rejected(triggerMessage());
    const before = structuredClone(record);

    // act
    toParkingLotMessage(record, 'c', NOW);

    // assess
    expect(record).toEqual(before);
  });
});
