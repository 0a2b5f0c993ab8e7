import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'list-flags',
  produces: [],
  publishes: [],
  // HTTP routes count requests per API key (rate limiting): the one thing they may write.
  redis: { reads: ['flags'], writes: ['ratelimit'] },
  projection: 'flags',
});
