import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'start-order-workflow',
  // The orders topic carries the outcomes too; the mapping's filter (serverless.yml) keeps these only.
  eventTypes: ['order.placed'],
  produces: ['dead-letters'],
  publishes: ['payment.authorize'],
  // It writes each order's saga record before publishing its first command, and reads the order view
  // to tell an order whose record was lost (evicted, expired) from a new one.
  redis: { reads: ['idem', 'order', 'saga'], writes: ['idem', 'saga'] },
});
