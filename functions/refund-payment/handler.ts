import { facts } from './function';
import { sandboxPayments } from '../../shared/workflow/sandbox/sandboxProviders';
import { workflowStepHandler } from '../../shared/workflow/workflowStepHandler';
import { refundPayment } from './refundPayment';

export const handler = workflowStepHandler(facts, refundPayment(sandboxPayments));
