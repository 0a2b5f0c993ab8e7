import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'project-flags',
  produces: ['dead-letters'],
  publishes: [],
  redis: { reads: ['idem'], writes: ['flags', 'idem'] },
  projection: 'flags',
});
