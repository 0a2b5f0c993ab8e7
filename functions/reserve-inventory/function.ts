import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'reserve-inventory',
  produces: ['orders'],
  publishes: ['shipment.schedule', 'payment.refund'],
  // The saga record: a step claims its step and advances the saga in it (shared/workflow/saga).
  redis: { reads: ['idem', 'saga'], writes: ['idem', 'saga'] },
  step: 'inventory.reserve',
});
