import type { PaymentProvider } from '../../shared/workflow/providers/providers';
import { providerIdempotencyKey } from '../../shared/workflow/providers/providerIdempotencyKey';
import type { RunStep } from '../../shared/workflow/workflowStepHandler';

/** Authorizes the order's amount on its payment token; the key is the order's and the step's. */
export const authorizePayment =
  (payments: PaymentProvider): RunStep =>
  async (command) => {
    const { orderId, amount, currency, paymentToken } = command.data;
    const answer = await payments.authorize({ orderId, amount, currency, paymentToken, idempotencyKey: providerIdempotencyKey(command) });
    return answer.status === 'authorized' ? { kind: 'authorized', authorizationId: answer.authorizationId } : { kind: 'declined', reason: answer.reason };
  };
