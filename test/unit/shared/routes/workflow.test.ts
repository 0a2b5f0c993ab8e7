import { PARKING_LOT_EXCHANGE, parkingLotOf, retryQueueOf, stepOf, WORKFLOW_EXCHANGE, WORKFLOW_STEPS, workflowQueues, type QueueDeclaration } from '../../../../shared/routes/workflow';

const declarations = workflowQueues();
const declared = (queue: string): QueueDeclaration | undefined => declarations.find((d) => d.queue === queue);

/** The queues a message published to `exchange` with `routingKey` reaches, by the declared bindings. */
const routedTo = (exchange: string, routingKey: string): string[] =>
  exchange === ''
    ? declarations.filter((d) => d.queue === routingKey).map((d) => d.queue)
    : declarations.filter((d) => d.bindTo?.exchange === exchange && d.bindTo.routingKey === routingKey).map((d) => d.queue);

describe('workflowQueues', () => {
  it('should declare, per step, a main queue, one retry queue per delay and a parking lot, each once', () => {
    // prepare
    const expected = WORKFLOW_STEPS.flatMap((s) => [s.queue, ...s.retryDelaysMs.map((_d, i) => retryQueueOf(s.queue, i + 1)), parkingLotOf(s.queue)]);

    // act
    const names = declarations.map((d) => d.queue);

    // assess
    expect(names).toEqual(expected);
    expect(new Set(names).size).toBe(names.length);
  });

  it('should cover the four steps of the order saga, compensation included', () => {
    // assess
    expect(WORKFLOW_STEPS.map((s) => s.queue)).toEqual(['payment.authorize', 'inventory.reserve', 'shipment.schedule', 'payment.refund']);
  });

  describe.each(WORKFLOW_STEPS.map((s) => [s.queue, s] as const))('step %s', (queue, step) => {
    it('should have a quorum main queue bound to the workflow exchange by its own name', () => {
      // act
      const main = declared(queue);

      // assess
      expect(main?.arguments['x-queue-type']).toBe('quorum');
      expect(main?.bindTo).toEqual({ exchange: WORKFLOW_EXCHANGE, routingKey: queue });
    });

    it('should give the main queue a delivery limit and dead-letter it to its parking lot', () => {
      // act
      const main = declared(queue);

      // assess
      expect(step.deliveryLimit).toBeGreaterThan(0);
      expect(main?.arguments).toMatchObject({
        'x-delivery-limit': step.deliveryLimit,
        'x-dead-letter-exchange': PARKING_LOT_EXCHANGE,
        'x-dead-letter-routing-key': parkingLotOf(queue),
      });
    });

    it('should dead-letter the main queue at least once, which needs reject-publish overflow', () => {
      // act
      const main = declared(queue);

      // assess
      expect(main?.arguments).toMatchObject({ 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' });
    });

    it('should have one retry queue per delay, holding messages for that delay', () => {
      // act
      const retries = step.retryDelaysMs.map((_d, i) => declared(retryQueueOf(queue, i + 1)));

      // assess
      expect(step.retryDelaysMs.length).toBeGreaterThan(0);
      expect(retries.map((r) => r?.arguments['x-message-ttl'])).toEqual(step.retryDelaysMs);
      expect(declared(retryQueueOf(queue, step.retryDelaysMs.length + 1))).toBeUndefined();
    });

    it('should back off longer on every retry', () => {
      // assess
      for (let i = 1; i < step.retryDelaysMs.length; i++) expect(step.retryDelaysMs[i]).toBeGreaterThan(step.retryDelaysMs[i - 1] ?? Number.POSITIVE_INFINITY);
    });

    it("should dead-letter every retry queue back to the step's queue, at least once, through the workflow exchange", () => {
      // act
      const retries = step.retryDelaysMs.map((_d, i) => declared(retryQueueOf(queue, i + 1)));

      // assess
      for (const retry of retries) {
        expect(retry?.arguments).toMatchObject({
          'x-queue-type': 'quorum',
          'x-dead-letter-exchange': WORKFLOW_EXCHANGE,
          'x-dead-letter-routing-key': queue,
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
        });
        expect(routedTo(WORKFLOW_EXCHANGE, queue)).toEqual([queue]);
      }
    });

    it('should not bind retry queues to the workflow exchange, so commands reach them only by name', () => {
      // act
      const retries = step.retryDelaysMs.map((_d, i) => declared(retryQueueOf(queue, i + 1)));

      // assess
      for (const retry of retries) expect(retry?.bindTo).toBeUndefined();
      expect(routedTo('', retryQueueOf(queue, 1))).toEqual([retryQueueOf(queue, 1)]);
    });

    it('should have a quorum parking lot bound to the parking-lot exchange that nothing dead-letters out of', () => {
      // act
      const lot = declared(parkingLotOf(queue));

      // assess
      expect(lot?.arguments['x-queue-type']).toBe('quorum');
      expect(lot?.arguments).not.toHaveProperty('x-dead-letter-exchange');
      expect(lot?.arguments).not.toHaveProperty('x-message-ttl');
      expect(lot?.bindTo).toEqual({ exchange: PARKING_LOT_EXCHANGE, routingKey: parkingLotOf(queue) });
    });

    it('should be found by stepOf', () => {
      // assess
      expect(stepOf(queue)).toBe(step);
    });
  });

  it('should route every dead-letter target to exactly one declared queue', () => {
    // prepare
    const targets = declarations.filter((d) => d.arguments['x-dead-letter-exchange'] !== undefined);

    // act
    const routes = targets.map((d) => routedTo(String(d.arguments['x-dead-letter-exchange']), String(d.arguments['x-dead-letter-routing-key'])));

    // assess
    expect(targets.length).toBe(WORKFLOW_STEPS.reduce((n, s) => n + 1 + s.retryDelaysMs.length, 0));
    for (const route of routes) expect(route).toHaveLength(1);
  });

  it('should give every queue that dead-letters an at-least-once strategy', () => {
    // act
    const dlx = declarations.filter((d) => d.arguments['x-dead-letter-exchange'] !== undefined);

    // assess
    for (const d of dlx) expect(d.arguments).toMatchObject({ 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish', 'x-queue-type': 'quorum' });
  });

  it('should name retry queues and parking lots after their step', () => {
    // assess
    expect(retryQueueOf('payment.authorize', 2)).toBe('payment.authorize.retry.2');
    expect(parkingLotOf('payment.refund')).toBe('payment.refund.parking-lot');
  });

  it('should refuse a queue that is no workflow step', () => {
    // assess
    expect(() => stepOf('payment.authorize.retry.1')).toThrow('no workflow step for queue payment.authorize.retry.1');
  });

  it('should build the same declarations every time', () => {
    // assess
    expect(workflowQueues()).toEqual(declarations);
  });
});
