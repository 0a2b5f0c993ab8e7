import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'project-leaderboards',
  produces: ['dead-letters'],
  publishes: [],
  redis: { reads: ['idem'], writes: ['leaderboard', 'idem'] },
  projection: 'leaderboards',
});
