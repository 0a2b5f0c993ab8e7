import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'project-activity',
  produces: ['dead-letters'],
  publishes: [],
  redis: { reads: ['idem'], writes: ['activity', 'activity-day', 'idem'] },
  projection: 'activity',
});
