/**
 * What the workflow needs from the outside world. A real payment, inventory or shipping provider
 * implements these; triplane ships deterministic sandboxes. Every call carries an idempotency key (the
 * order and the step, providerIdempotencyKey): a provider must answer a repeated key with the first answer, never act twice, which
 * is what makes a redelivered step safe.
 */
export interface PaymentProvider {
  authorize(request: {
    orderId: string;
    amount: number;
    currency: string;
    paymentToken: string;
    idempotencyKey: string;
  }): Promise<{ status: 'authorized'; authorizationId: string } | { status: 'declined'; reason: string }>;
  refund(request: { orderId: string; authorizationId: string; amount: number; currency: string; idempotencyKey: string }): Promise<{ refundId: string }>;
}

export interface InventoryService {
  reserve(request: {
    orderId: string;
    items: Array<{ sku: string; qty: number }>;
    idempotencyKey: string;
  }): Promise<{ status: 'reserved'; reservationId: string } | { status: 'unavailable'; skus: string[] }>;
}

export interface ShippingService {
  schedule(request: { orderId: string; reservationId: string; idempotencyKey: string }): Promise<{ shipmentId: string }>;
}

/** A failure worth retrying (timeout, 5xx, rate limit): the step goes to its retry queue with backoff. */
export class TransientProviderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientProviderError';
  }
}
