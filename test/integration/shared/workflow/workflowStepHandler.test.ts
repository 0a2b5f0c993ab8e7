import { connect, type ConsumeMessage } from 'amqplib';
import { facts } from '../../../../functions/authorize-payment/function';
import { toRabbitMqTriggerEvent } from '../../../../emulator/runtime/rabbitMqTriggerEvent';
import { redisClient } from '../../../../shared/clients/redisClient';
import { contentDigest } from '../../../../shared/envelope/contentDigest';
import { createEnvelope, type Envelope } from '../../../../shared/envelope/envelope';
import { parseEnvelope } from '../../../../shared/envelope/parseEnvelope';
import { ID_REUSED_REASON } from '../../../../shared/middleware/idempotency/batchIdempotency';
import { redisKeys, redisNamespace } from '../../../../shared/state/redisKeys';
import type { OrderCommand } from '../../../../shared/envelope/eventCatalog';
import { toAmqpMessage } from '../../../../shared/envelope/toAmqpMessage';
import { parkingLotOf, retryQueueOf, stepOf } from '../../../../shared/routes/workflow';
import type { RabbitMqSource } from '../../../../shared/triggers/rabbitmq/RabbitMqTriggerEvent';
import { startOrder, type StepResult } from '../../../../shared/workflow/orderSaga';
import { beginSagas } from '../../../../shared/workflow/saga/sagaRecords';
import { workflowStepHandler, type RunStep } from '../../../../shared/workflow/workflowStepHandler';
import { lambdaContextOf } from '../../../../testkit/lambdaContextOf';
import { takeParked } from '../../../../testkit/parkingLot';

/**
 * A workflow step handler invoked directly with an `aws:rmq` event, against the real Redis (saga
 * records) and RabbitMQ (delay queues, parking lots) of the test vhost, with a step of its own in place
 * of a provider, so what reached the provider is counted. Every path here ends before Kafka: no outcome
 * is published. The decisions themselves are unit-tested in test/unit/shared/workflow/stepRouting.test.ts;
 * this checks that the handler carries them out on the real queues.
 */
jest.setTimeout(30_000);
const run = `${Date.now().toString(36)}-${process.pid}`;
let serial = 0;
const orderId = (label: string) => `step-${label}-${run}-${serial++}`;
const QUEUE = 'payment.authorize';
if (facts.step !== QUEUE) throw new Error(`authorize-payment now carries out ${facts.step}, not ${QUEUE}`);
const LAST_ATTEMPT = stepOf(QUEUE).retryDelaysMs.length + 1;
/** authorize-payment's own facts, with a step of this test's in place of its provider. */
const FACTS = facts;

const placedOf = (id: string) =>
  createEnvelope<Record<string, unknown>>({
    type: 'order.placed',
    version: 1,
    key: id,
    data: { orderId: id, userId: 'u', amount: 100, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'a', qty: 1 }] },
    source: 'test',
  });

/** A step that records each command it is asked to run, and answers (or fails) as told. */
const recordingStep = (answer: () => StepResult) => {
  const ran: string[] = [];
  const step: RunStep = (command) => {
    ran.push(command.id);
    // An answer that throws becomes a rejection, as a failing provider's would.
    return new Promise((resolve) => resolve(answer()));
  };
  return { ran, step };
};

const invoke = (handler: ReturnType<typeof workflowStepHandler>, command: Envelope, attempt = 1) => {
  const { content, options } = toAmqpMessage(command, attempt);
  const message = { content, fields: { redelivered: false }, properties: { ...options, deliveryMode: 2 } } as unknown as ConsumeMessage;
  return handler(toRabbitMqTriggerEvent('arn:aws:mq:local', QUEUE, 'triplane-test', [message]), lambdaContextOf<RabbitMqSource>('authorize-payment'));
};

/**
 * Takes the message of `messageId` out of its delay queue, or out of the step queue once its delay
 * expired (nothing consumes either here); others are put back.
 */
async function takeRetried(messageId: string): Promise<{ queue: string; headers: Record<string, unknown> } | undefined> {
  const connection = await connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  try {
    for (let tries = 0; tries < 40; tries++) {
      for (const queue of [...stepOf(QUEUE).retryDelaysMs.map((_, i) => retryQueueOf(QUEUE, i + 1)), QUEUE]) {
        const others = [];
        let found: { queue: string; headers: Record<string, unknown> } | undefined;
        for (let message = await channel.get(queue); message !== false; message = await channel.get(queue)) {
          if (found === undefined && message.properties.messageId === messageId) {
            found = { queue, headers: message.properties.headers ?? {} };
            channel.ack(message);
          } else others.push(message);
        }
        for (const message of others) channel.nack(message, false, true);
        if (found !== undefined) return found;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return undefined;
  } finally {
    await connection.close();
  }
}

/** The first command of an order whose saga record exists, as start-order-workflow leaves it. */
async function begunOrder(label: string): Promise<Envelope<OrderCommand>> {
  const placed = placedOf(orderId(label));
  const command = startOrder(placed, 'test');
  expect(await beginSagas([{ placed, first: command }])).toEqual([{ kind: 'start' }]);
  return command as Envelope<OrderCommand>;
}

const tookOf = (command: Envelope<OrderCommand>) => redisClient().hget(redisKeys(redisNamespace()).saga(command.data.orderId), `took:${command.type}`);

describe('workflowStepHandler', () => {
  it('should park a command of another type with the reason, never running the step', async () => {
    // prepare
    const { ran, step } = recordingStep(() => ({ kind: 'authorized', authorizationId: 'a' }));
    const handler = workflowStepHandler(FACTS, step);
    const id = orderId('wrong-type');
    const command = { ...startOrder(placedOf(id), 'test'), type: 'inventory.reserve' };

    // act
    const summary = await invoke(handler, command);

    // assess
    expect(summary).toMatchObject({ received: 1, processed: 0, deferred: 0, deadLettered: 1 });
    expect(ran).toEqual([]);
    const parked = await takeParked(parkingLotOf(QUEUE), (m) => m.body.id === command.id, 10_000);
    expect(parked?.headers).toMatchObject({
      'x-triplane-stage': 'handler',
      'x-triplane-consumer': 'authorize-payment',
      'x-triplane-reason': `the ${QUEUE} step carries out ${QUEUE} commands only, not inventory.reserve`,
    });
  });

  it('should send a command whose order was never placed to its first delay queue with the attempt raised, without running the step', async () => {
    // prepare
    const { ran, step } = recordingStep(() => ({ kind: 'authorized', authorizationId: 'a' }));
    const handler = workflowStepHandler(FACTS, step);
    const command = startOrder(placedOf(orderId('never-placed')), 'test');

    // act
    const summary = await invoke(handler, command);

    // assess
    expect(summary).toMatchObject({ received: 1, processed: 0, deferred: 1, deadLettered: 0 });
    expect(ran).toEqual([]);
    const retried = await takeRetried(command.id);
    expect(retried?.headers).toMatchObject({ attempt: 2 });
    expect(String(retried?.headers['x-last-error'])).toMatch(/^saga of order step-never-placed-.*: no saga record/);
  });

  it('should park a command whose order was never placed once its last attempt failed', async () => {
    const { ran, step } = recordingStep(() => ({ kind: 'authorized', authorizationId: 'a' }));
    const command = startOrder(placedOf(orderId('never-placed-last')), 'test');
    const summary = await invoke(workflowStepHandler(FACTS, step), command, LAST_ATTEMPT);
    expect(summary).toMatchObject({ processed: 0, deferred: 0, deadLettered: 1 });
    expect(ran).toEqual([]);
    const parked = await takeParked(parkingLotOf(QUEUE), (m) => m.body.id === command.id, 10_000);
    expect(String(parked?.headers['x-triplane-reason'])).toMatch(new RegExp(`^failed after ${LAST_ATTEMPT} attempts: saga of order .*: no saga record`));
  });

  it('should retry a step that failed with the attempt raised and the error, and park it after its last attempt', async () => {
    // prepare
    const { ran, step } = recordingStep(() => {
      throw new Error('provider answered 500');
    });
    const handler = workflowStepHandler(FACTS, step);
    const command = await begunOrder('failing');

    // act
    const first = await invoke(handler, command, 1);
    const retried = await takeRetried(command.id);
    const last = await invoke(handler, command, LAST_ATTEMPT);

    // assess
    expect(first).toMatchObject({ processed: 0, deferred: 1, deadLettered: 0 });
    expect(retried?.headers).toMatchObject({ attempt: 2, 'x-last-error': 'provider answered 500' });
    expect(last).toMatchObject({ processed: 0, deferred: 0, deadLettered: 1 });
    const parked = await takeParked(parkingLotOf(QUEUE), (m) => m.body.id === command.id, 10_000);
    expect(parked?.headers).toMatchObject({ attempt: LAST_ATTEMPT, 'x-triplane-reason': `failed after ${LAST_ATTEMPT} attempts: provider answered 500` });
    expect(ran).toEqual([command.id, command.id]);
  });
  it('should drop a command this step already applied (its mark holds its digest) as a duplicate, claiming nothing and never running the step', async () => {
    // prepare: the command as the step receives it, marked as the step's commit marks it
    const { ran, step } = recordingStep(() => ({ kind: 'authorized', authorizationId: 'a' }));
    const command = await begunOrder('applied');
    const received = parseEnvelope(toAmqpMessage(command).content.toString('utf8'));
    await redisClient().set(redisKeys(redisNamespace()).idempotency(facts.name, command.id), contentDigest(received), 'EX', 600);

    // act
    const summary = await invoke(workflowStepHandler(FACTS, step), command);

    // assess
    expect(summary).toMatchObject({ received: 1, processed: 0, duplicates: 1, deferred: 0, deadLettered: 0 });
    expect(ran).toEqual([]);
    expect(await tookOf(command)).toBeNull();
  });

  it('should park a command whose id this step applied for other content, claiming nothing and never running the step', async () => {
    // prepare
    const { ran, step } = recordingStep(() => ({ kind: 'authorized', authorizationId: 'a' }));
    const command = await begunOrder('id-reused');
    await redisClient().set(redisKeys(redisNamespace()).idempotency(facts.name, command.id), 'digest-of-other-content', 'EX', 600);

    // act
    const summary = await invoke(workflowStepHandler(FACTS, step), command);

    // assess
    expect(summary).toMatchObject({ received: 1, processed: 0, duplicates: 0, deadLettered: 1, idReused: 1 });
    expect(ran).toEqual([]);
    expect(await tookOf(command)).toBeNull();
    const parked = await takeParked(parkingLotOf(QUEUE), (m) => m.body.id === command.id, 10_000);
    expect(parked?.headers).toMatchObject({ 'x-triplane-stage': 'id-reused' });
    expect(String(parked?.headers['x-triplane-reason'])).toContain(ID_REUSED_REASON);
  });

  it('should claim the step of a command never applied before running it, and let its redelivery run it again under the same claim', async () => {
    // prepare: a step that fails, so nothing is published or marked (as after a crash before the commit)
    const { ran, step } = recordingStep(() => {
      throw new Error('provider timed out');
    });
    const command = await begunOrder('claimed-then-failed');

    // act
    await invoke(workflowStepHandler(FACTS, step), command, 1);
    const again = await invoke(workflowStepHandler(FACTS, step), command, 2);
    await takeRetried(command.id);
    await takeRetried(command.id);

    // assess: both deliveries ran the step under the claim the first one made
    expect(again).toMatchObject({ processed: 0, deferred: 1, deadLettered: 0 });
    expect(ran).toEqual([command.id, command.id]);
    expect(await tookOf(command)).toBe(command.id);
  });
  // The steps take batches of up to 250 (serverless.yml) and call their provider for every command at
  // once; the provider's guard runs 64 at a time and queues the rest (up to 256). Declined, so the batch
  // publishes its outcomes to Kafka and no next command.
  it('should carry out a batch of 250 commands, more than its provider guard runs at once, queueing the rest and refusing none', async () => {
    // prepare
    let inFlight = 0;
    let most = 0;
    const ran: string[] = [];
    const step: RunStep = async (command) => {
      ran.push(command.id);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return { kind: 'declined', reason: 'card declined (test)' };
    };
    const placed = Array.from({ length: 250 }, (_, i) => placedOf(orderId(`full-batch-${i}`)));
    const commands = placed.map((p) => startOrder(p, 'test'));
    await beginSagas(placed.map((p, i) => ({ placed: p, first: commands[i] as Envelope })));
    const messages = commands.map((command) => {
      const { content, options } = toAmqpMessage(command, 1);
      return { content, fields: { redelivered: false }, properties: { ...options, deliveryMode: 2 } } as unknown as ConsumeMessage;
    });

    // act
    const summary = await workflowStepHandler(FACTS, step)(toRabbitMqTriggerEvent('arn:aws:mq:local', QUEUE, 'triplane-test', messages), lambdaContextOf<RabbitMqSource>('authorize-payment'));

    // assess
    expect(summary).toMatchObject({ received: 250, processed: 250, deferred: 0, deadLettered: 0 });
    expect(new Set(ran).size).toBe(250);
    expect(most).toBe(64);
    expect(await tookOf(commands[249] as Envelope<OrderCommand>)).toBe(commands[249]?.id);
  });
});
