import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'archive-events',
  produces: [],
  publishes: [],
  redis: { reads: [], writes: [] },
  guardExemption: 'publishes nothing and decodes nothing; a retried batch rewrites the same archive objects',
  writesArchive: true,
});
