import { facts } from './function';
import { sandboxInventory } from '../../shared/workflow/sandbox/sandboxProviders';
import { workflowStepHandler } from '../../shared/workflow/workflowStepHandler';
import { reserveInventory } from './reserveInventory';

export const handler = workflowStepHandler(facts, reserveInventory(sandboxInventory));
