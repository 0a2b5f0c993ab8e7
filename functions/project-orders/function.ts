import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'project-orders',
  produces: ['dead-letters'],
  publishes: [],
  // Beside the view it records what each event says about its saga, so the orders topic rebuilds the
  // saga records too (functions/project-orders/recordSagas).
  redis: { reads: ['idem', 'saga'], writes: ['order', 'idem', 'saga'] },
  projection: 'orders',
});
