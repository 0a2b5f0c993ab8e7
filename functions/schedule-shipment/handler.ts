import { facts } from './function';
import { sandboxShipping } from '../../shared/workflow/sandbox/sandboxProviders';
import { workflowStepHandler } from '../../shared/workflow/workflowStepHandler';
import { scheduleShipment } from './scheduleShipment';

export const handler = workflowStepHandler(facts, scheduleShipment(sandboxShipping));
