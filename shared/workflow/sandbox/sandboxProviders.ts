import { followUpId } from '../../envelope/followUpId';
import type { InventoryService, PaymentProvider, ShippingService } from '../providers/providers';
import { countAction, maybeFail, recordOnce } from './sandboxLedger';

/**
 * Deterministic sandboxes of the public contract: paymentToken `tok_decline` is declined, a sku starting
 * with `oos-` is out of stock, anything else succeeds. Ids are derived from the idempotency key, so
 * anyone can reproduce an outcome.
 */
export const sandboxPayments: PaymentProvider = {
  async authorize({ orderId, paymentToken, idempotencyKey }) {
    await maybeFail('payment', orderId);
    if (paymentToken === 'tok_decline') return { status: 'declined', reason: 'card declined (sandbox token tok_decline)' };
    const { answer, first } = await recordOnce('payment', 'authorize', idempotencyKey, `auth_${followUpId(idempotencyKey, 'auth')}`);
    if (first) await countAction('payment', 'charges', orderId);
    return { status: 'authorized', authorizationId: answer };
  },
  async refund({ orderId, idempotencyKey }) {
    await maybeFail('payment', orderId);
    const { answer, first } = await recordOnce('payment', 'refund', idempotencyKey, `refund_${followUpId(idempotencyKey, 'refund')}`);
    if (first) await countAction('payment', 'refunds', orderId);
    return { refundId: answer };
  },
};

export const sandboxInventory: InventoryService = {
  async reserve({ orderId, items, idempotencyKey }) {
    await maybeFail('inventory', orderId);
    const missing = items.filter((item) => item.sku.startsWith('oos-')).map((item) => item.sku);
    if (missing.length > 0) return { status: 'unavailable', skus: missing };
    const { answer, first } = await recordOnce('inventory', 'reserve', idempotencyKey, `res_${followUpId(idempotencyKey, 'reserve')}`);
    if (first) await countAction('inventory', 'reservations', orderId);
    return { status: 'reserved', reservationId: answer };
  },
};

export const sandboxShipping: ShippingService = {
  async schedule({ orderId, idempotencyKey }) {
    await maybeFail('shipping', orderId);
    const { answer, first } = await recordOnce('shipping', 'schedule', idempotencyKey, `ship_${followUpId(idempotencyKey, 'ship')}`);
    if (first) await countAction('shipping', 'shipments', orderId);
    return { shipmentId: answer };
  },
};
