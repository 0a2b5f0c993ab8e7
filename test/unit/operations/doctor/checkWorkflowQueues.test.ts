import { parseRabbitmqctlQueues, type BrokerQueue } from '../../../../operations/doctor/brokerQueue';
import { checkWorkflowQueues } from '../../../../operations/doctor/checkWorkflowQueues';
import { parkingLotOf, WORKFLOW_STEPS, workflowQueues } from '../../../../shared/routes/workflow';

const expected = workflowQueues();
const parkingLots = WORKFLOW_STEPS.map((s) => parkingLotOf(s.queue));
/** The broker as `npm run services` leaves it: every declaration as declared. */
const declaredOnBroker = (): BrokerQueue[] => expected.map((d) => ({ name: d.queue, durable: true, arguments: { ...d.arguments }, messages: 0 }));
const check = (observed: BrokerQueue[]) => checkWorkflowQueues({ vhost: 'triplane-test', expected, observed, parkingLots });

describe('checkWorkflowQueues', () => {
  it('should pass the topology as declared', () => {
    // assess
    expect(check(declaredOnBroker()).status).toBe('pass');
  });

  it('should fail a non-durable queue', () => {
    // prepare
    const observed = declaredOnBroker().map((q) => (q.name === 'payment.authorize' ? { ...q, durable: false } : q));

    // act
    const result = check(observed);

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('payment.authorize not durable') });
  });

  it('should fail a retry queue without a dead-letter exchange, which would hold its messages forever', () => {
    // prepare
    const observed = declaredOnBroker().map((q) => (q.name === 'payment.authorize.retry.1' ? { ...q, arguments: { 'x-queue-type': 'quorum' } } : q));

    // act
    const result = check(observed);

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('payment.authorize.retry.1 has no x-dead-letter-exchange') });
  });

  it('should fail a missing parking lot', () => {
    // act
    const result = check(declaredOnBroker().filter((q) => q.name !== 'payment.refund.parking-lot'));

    // assess
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('payment.refund.parking-lot missing') });
  });
});

describe('parseRabbitmqctlQueues', () => {
  it("should read rabbitmqctl's JSON, arguments given as [name, type, value] triples", () => {
    // prepare
    const json =
      '[\n{"name":"payment.refund.retry.2","durable":true,"arguments":[["x-queue-type","longstr","quorum"],["x-message-ttl","short",2000],["x-dead-letter-exchange","longstr","triplane.workflow"]],"messages":3}\n]';

    // act
    const [queue] = parseRabbitmqctlQueues(json);

    // assess
    expect(queue).toEqual({
      name: 'payment.refund.retry.2',
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-message-ttl': 2000, 'x-dead-letter-exchange': 'triplane.workflow' },
      messages: 3,
    });
  });
});
