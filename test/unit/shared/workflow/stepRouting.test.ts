import type { Envelope } from '../../../../shared/envelope/envelope';
import { retryQueueOf, stepOf } from '../../../../shared/routes/workflow';
import { admitClaimed, retryMessage, routeFailedStep, wrongCommandReason, type StepFailure } from '../../../../shared/workflow/stepRouting';

/** The decisions the workflow step handler takes for each command, without Redis, RabbitMQ or a provider. */
const RETRIES = stepOf('inventory.reserve').retryDelaysMs.length;

const failure = (overrides: Partial<StepFailure> = {}): StepFailure => ({ attempt: 1, retries: RETRIES, refused: false, reason: 'provider said 500', tryRetry: () => true, ...overrides });

const COMMAND: Envelope = {
  id: '01ARZ3NDEKTSV4RRFFQ69G5FB0',
  type: 'inventory.reserve',
  version: 1,
  source: 'triplane/authorize-payment',
  time: '2026-01-15T10:00:01.000Z',
  key: 'o-1',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  hops: 2,
  data: { orderId: 'o-1' },
};

describe('wrongCommandReason', () => {
  it('should let a step carry out its own command type', () => {
    expect(wrongCommandReason('inventory.reserve', 'inventory.reserve')).toBeUndefined();
  });

  it('should refuse another command type, naming both', () => {
    expect(wrongCommandReason('inventory.reserve', 'payment.authorize')).toBe('the inventory.reserve step carries out inventory.reserve commands only, not payment.authorize');
  });
});

describe('admitClaimed', () => {
  it('should run a command its saga claimed', () => {
    expect(admitClaimed('o-1', { kind: 'claimed' })).toEqual({ kind: 'run' });
  });

  it("should park a command the saga refused, with the saga's reason and the order", () => {
    expect(admitClaimed('o-1', { kind: 'refused', reason: 'step already done' })).toEqual({ kind: 'park', reason: 'refused by the saga of order o-1: step already done' });
  });

  it('should park a command the claim script gave no answer for', () => {
    expect(admitClaimed('o-1', undefined)).toEqual({ kind: 'park', reason: 'refused by the saga of order o-1: no claim' });
  });

  it('should send a command whose order was never placed round the retry queues, not to the provider', () => {
    expect(admitClaimed('o-1', { kind: 'missing', reason: 'no saga record' })).toEqual({ kind: 'await-saga', reason: 'no saga record' });
  });
});

describe('routeFailedStep', () => {
  it('should send attempt n to delay queue n with the attempt raised (backoff by delay queues)', () => {
    const routes = Array.from({ length: RETRIES }, (_, i) => routeFailedStep(failure({ attempt: i + 1 })));
    expect(routes).toEqual(Array.from({ length: RETRIES }, (_, i) => ({ kind: 'retry', attempt: i + 2, delayQueue: i + 1 })));
  });

  it('should park a command past its last retry, with the attempts and the reason', () => {
    expect(routeFailedStep(failure({ attempt: RETRIES + 1 }))).toEqual({ kind: 'park', reason: `failed after ${RETRIES + 1} attempts: provider said 500` });
  });

  it('should park a permanent failure on its last attempt without asking the retry budget', () => {
    const tryRetry = jest.fn(() => true);
    expect(routeFailedStep(failure({ attempt: RETRIES + 1, tryRetry })).kind).toBe('park');
    expect(tryRetry).not.toHaveBeenCalled();
  });

  it('should defer a refused call (breaker open) to the longest delay without using up an attempt, even on the last one', () => {
    const tryRetry = jest.fn(() => true);
    expect(routeFailedStep(failure({ attempt: RETRIES + 1, refused: true, tryRetry }))).toEqual({ kind: 'retry', attempt: RETRIES + 1, delayQueue: RETRIES });
    expect(tryRetry).not.toHaveBeenCalled();
  });

  it('should take the longest delay once the retry budget is spent, still raising the attempt', () => {
    expect(routeFailedStep(failure({ attempt: 1, tryRetry: () => false }))).toEqual({ kind: 'retry', attempt: 2, delayQueue: RETRIES });
  });
});

describe('retryMessage', () => {
  it('should address the delay queue on the default exchange with the raised attempt and the last error', () => {
    // act
    const message = retryMessage('inventory.reserve', COMMAND, { kind: 'retry', attempt: 3, delayQueue: 2 }, 'timeout');

    // assess
    expect(message).toMatchObject({
      exchange: '',
      routingKey: retryQueueOf('inventory.reserve', 2),
      options: { messageId: COMMAND.id, type: 'inventory.reserve', persistent: true, headers: { attempt: 3, 'x-hops': '2', 'x-last-error': 'timeout' } },
    });
    expect(JSON.parse(message.content.toString('utf8'))).toEqual(COMMAND);
  });

  it('should cut a long error to 500 characters', () => {
    const message = retryMessage('inventory.reserve', COMMAND, { kind: 'retry', attempt: 2, delayQueue: 1 }, 'x'.repeat(2_000));
    const headers: Record<string, unknown> = message.options.headers ?? {};
    expect(headers['x-last-error']).toBe('x'.repeat(500));
  });
});
