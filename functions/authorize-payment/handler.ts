import { facts } from './function';
import { sandboxPayments } from '../../shared/workflow/sandbox/sandboxProviders';
import { workflowStepHandler } from '../../shared/workflow/workflowStepHandler';
import { authorizePayment } from './authorizePayment';

export const handler = workflowStepHandler(facts, authorizePayment(sandboxPayments));
