import type { PaymentProvider } from '../../shared/workflow/providers/providers';
import type { RunStep } from '../../shared/workflow/workflowStepHandler';

/** Authorizes the order's amount on its payment token; the command id is the provider's idempotency key. */
export const authorizePayment =
  (payments: PaymentProvider): RunStep =>
  async (command) => {
    const { orderId, amount, currency, paymentToken } = command.data;
    const answer = await payments.authorize({ orderId, amount, currency, paymentToken, idempotencyKey: command.id });
    return answer.status === 'authorized' ? { kind: 'authorized', authorizationId: answer.authorizationId } : { kind: 'declined', reason: answer.reason };
  };
