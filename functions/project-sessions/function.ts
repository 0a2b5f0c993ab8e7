import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'project-sessions',
  produces: ['dead-letters'],
  publishes: [],
  redis: { reads: ['idem'], writes: ['session', 'idem'] },
  projection: 'sessions',
});
