import { checkConsumerLag, checkQueueDepths } from '../../../../operations/doctor/checkBacklogs';
import type { BrokerQueue } from '../../../../operations/doctor/brokerQueue';

const queue = (name: string, messages: number): BrokerQueue => ({ name, durable: true, arguments: {}, messages });
const parkingLots = ['payment.authorize.parking-lot'];

describe('checkQueueDepths', () => {
  it('should pass shallow queues and empty parking lots', () => {
    // assess
    expect(checkQueueDepths([queue('payment.authorize', 120), queue('payment.authorize.parking-lot', 0)], parkingLots).status).toBe('pass');
  });

  it('should warn at a depth of 600,000', () => {
    // act
    const result = checkQueueDepths([queue('payment.authorize', 600_000), queue('payment.authorize.parking-lot', 0)], parkingLots);

    // assess
    expect(result).toMatchObject({ status: 'warn', detail: expect.stringContaining('payment.authorize holds 600,000') });
  });

  it('should warn about a single parked message: someone must look at it', () => {
    // act
    const result = checkQueueDepths([queue('payment.authorize', 0), queue('payment.authorize.parking-lot', 1)], parkingLots);

    // assess
    expect(result).toMatchObject({ status: 'warn', detail: expect.stringContaining('parked messages') });
  });
});

describe('checkConsumerLag', () => {
  it('should pass lag under the threshold', () => {
    // assess
    expect(checkConsumerLag([{ fn: 'project-orders', group: 'triplane-project-orders', topic: 'orders', lag: 499_999, deletedUnread: 0 }]).status).toBe('pass');
  });

  it('should warn at a lag of 600,000 records', () => {
    // act
    const result = checkConsumerLag([{ fn: 'project-orders', group: 'triplane-project-orders', topic: 'orders', lag: 600_000, deletedUnread: 0 }]);

    // assess
    expect(result).toMatchObject({ status: 'warn', detail: expect.stringContaining('triplane-project-orders on orders lags 600,000') });
  });

  it('should warn about a pair it could not measure', () => {
    // act
    const result = checkConsumerLag([], [{ group: 'triplane-project-orders', topic: 'orders', reason: 'This server does not host this topic-partition' }]);

    // assess
    expect(result).toMatchObject({ status: 'warn', detail: expect.stringContaining('not measured') });
  });
});
