import { followUpId } from '../../envelope/followUpId';
import type { InventoryService, PaymentProvider, ShippingService } from '../providers/providers';
import { sandboxCall } from './sandboxLedger';

/**
 * Deterministic sandboxes of the public contract: paymentToken `tok_decline` is declined, a sku starting
 * with `oos-` is out of stock, anything else succeeds. Ids are derived from the idempotency key, so
 * anyone can reproduce an outcome. Each call is one round trip to the ledger (sandboxCall).
 */
export const sandboxPayments: PaymentProvider = {
  async authorize({ orderId, paymentToken, idempotencyKey }) {
    if (paymentToken === 'tok_decline') {
      await sandboxCall('payment', orderId);
      return { status: 'declined', reason: 'card declined (sandbox token tok_decline)' };
    }
    const answer = await sandboxCall('payment', orderId, { action: 'authorize', idempotencyKey, answer: `auth_${followUpId(idempotencyKey, 'auth')}`, counter: 'charges' });
    return { status: 'authorized', authorizationId: answer };
  },
  async refund({ orderId, idempotencyKey }) {
    const answer = await sandboxCall('payment', orderId, { action: 'refund', idempotencyKey, answer: `refund_${followUpId(idempotencyKey, 'refund')}`, counter: 'refunds' });
    return { refundId: answer };
  },
};

export const sandboxInventory: InventoryService = {
  async reserve({ orderId, items, idempotencyKey }) {
    const missing = items.filter((item) => item.sku.startsWith('oos-')).map((item) => item.sku);
    if (missing.length > 0) {
      await sandboxCall('inventory', orderId);
      return { status: 'unavailable', skus: missing };
    }
    const answer = await sandboxCall('inventory', orderId, { action: 'reserve', idempotencyKey, answer: `res_${followUpId(idempotencyKey, 'reserve')}`, counter: 'reservations' });
    return { status: 'reserved', reservationId: answer };
  },
};

export const sandboxShipping: ShippingService = {
  async schedule({ orderId, idempotencyKey }) {
    const answer = await sandboxCall('shipping', orderId, { action: 'schedule', idempotencyKey, answer: `ship_${followUpId(idempotencyKey, 'ship')}`, counter: 'shipments' });
    return { shipmentId: answer };
  },
};
