import type { PaymentProvider } from '../../shared/workflow/providers/providers';
import { providerIdempotencyKey } from '../../shared/workflow/providers/providerIdempotencyKey';
import type { RunStep } from '../../shared/workflow/workflowStepHandler';

/** The compensation: gives the authorized amount back when the order cannot be fulfilled. */
export const refundPayment =
  (payments: PaymentProvider): RunStep =>
  async (command) => {
    const { orderId, authorizationId, amount, currency } = command.data;
    if (authorizationId === undefined) throw new Error(`payment.refund for ${orderId} carries no authorizationId`);
    const answer = await payments.refund({ orderId, authorizationId, amount, currency, idempotencyKey: providerIdempotencyKey(command) });
    return { kind: 'refunded', refundId: answer.refundId };
  };
