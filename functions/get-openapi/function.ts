import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'get-openapi',
  produces: [],
  publishes: [],
  // HTTP routes count requests per API key (rate limiting): the one thing they may write.
  redis: { reads: [], writes: ['ratelimit'] },
});
