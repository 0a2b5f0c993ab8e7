import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'get-user-activity',
  produces: [],
  publishes: [],
  // HTTP routes count requests per API key (rate limiting): the one thing they may write.
  redis: { reads: ['activity', 'activity-day'], writes: ['ratelimit'] },
  projection: 'activity',
});
