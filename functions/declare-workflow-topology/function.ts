import { defineFunction } from '../../shared/routes/functionFacts';

export const facts = defineFunction({
  name: 'declare-workflow-topology',
  produces: [],
  publishes: [],
  redis: { reads: [], writes: [] },
  deployHook: 'workflow-topology',
});
