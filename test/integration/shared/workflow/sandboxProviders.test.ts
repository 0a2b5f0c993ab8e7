import { TransientProviderError } from '../../../../shared/workflow/providers/providers';
import { actionCount, closeSandboxRedis, failuresLeft, injectFailures, sandboxRedis } from '../../../../shared/workflow/sandbox/sandboxLedger';
import { sandboxInventory, sandboxPayments, sandboxShipping } from '../../../../shared/workflow/sandbox/sandboxProviders';
import { redisKeys, redisNamespace } from '../../../../shared/state/redisKeys';

/**
 * The sandbox providers against the real Redis (the test namespace): each call is one script, which
 * must keep what the three round trips before it did. Injected faults fail a call before it acts, a
 * repeated idempotency key gets the first answer and is never counted twice, and a call that only
 * decides (declined, out of stock) records nothing.
 */
const run = `${Date.now().toString(36)}-${process.pid}`;
let serial = 0;
const orderId = (label: string) => `sandbox-${label}-${run}-${serial++}`;
const written: string[] = [];
const keyOf = (...parts: string[]) => {
  const key = redisKeys(redisNamespace()).sandbox(...parts);
  written.push(key);
  return key;
};

const authorize = (id: string, idempotencyKey = `order:${id}:payment.authorize`, paymentToken = 'tok_visa') => {
  keyOf('payment', 'authorize', idempotencyKey);
  keyOf('payment', 'charges-count', id);
  keyOf('payment', 'faults', id);
  return sandboxPayments.authorize({ orderId: id, amount: 100, currency: 'EUR', paymentToken, idempotencyKey });
};

afterAll(async () => {
  if (written.length > 0) await sandboxRedis().unlink(...written);
  await closeSandboxRedis();
});

describe('sandbox providers', () => {
  it('should act once per idempotency key and answer a repeated key with the first answer', async () => {
    const id = orderId('once');
    const first = await authorize(id);
    const again = await authorize(id);
    expect(first).toEqual({ status: 'authorized', authorizationId: expect.stringMatching(/^auth_/) as string });
    expect(again).toEqual(first);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
    // A second key for the same order is a second charge.
    await authorize(id, `order:${id}:payment.authorize:other`);
    expect(await actionCount('payment', 'charges', id)).toBe(2);
  });

  it('should answer many concurrent calls of one key with one answer and one charge', async () => {
    const id = orderId('concurrent');
    const answers = await Promise.all(Array.from({ length: 20 }, () => authorize(id)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(await actionCount('payment', 'charges', id)).toBe(1);
  });

  it('should fail transiently as many times as injected, counting down, and act only after', async () => {
    const id = orderId('faults');
    await injectFailures('payment', id, 2);
    await expect(authorize(id)).rejects.toThrow(new TransientProviderError('payment sandbox: injected failure (2 left)'));
    expect(await failuresLeft('payment', id)).toBe(1);
    expect(await actionCount('payment', 'charges', id)).toBe(0);
    await expect(authorize(id)).rejects.toBeInstanceOf(TransientProviderError);
    expect(await failuresLeft('payment', id)).toBe(0);
    await expect(authorize(id)).resolves.toMatchObject({ status: 'authorized' });
    expect(await actionCount('payment', 'charges', id)).toBe(1);
  });

  it('should fail every call of an order whose faults are -1, without counting them down', async () => {
    const id = orderId('always');
    keyOf('shipping', 'faults', id);
    keyOf('shipping', 'schedule', `order:${id}:shipment.schedule`);
    keyOf('shipping', 'shipments-count', id);
    await injectFailures('shipping', id, -1);
    for (let i = 0; i < 3; i++) {
      await expect(sandboxShipping.schedule({ orderId: id, reservationId: 'r', idempotencyKey: `order:${id}:shipment.schedule` })).rejects.toThrow('shipping sandbox: injected failure (always)');
    }
    expect(await failuresLeft('shipping', id)).toBe(-1);
    expect(await actionCount('shipping', 'shipments', id)).toBe(0);
  });

  it('should decline a tok_decline card and record nothing, after the injected faults', async () => {
    const id = orderId('declined');
    await injectFailures('payment', id, 1);
    await expect(authorize(id, `order:${id}:payment.authorize`, 'tok_decline')).rejects.toBeInstanceOf(TransientProviderError);
    await expect(authorize(id, `order:${id}:payment.authorize`, 'tok_decline')).resolves.toEqual({ status: 'declined', reason: 'card declined (sandbox token tok_decline)' });
    expect(await actionCount('payment', 'charges', id)).toBe(0);
    expect(await sandboxRedis().exists(keyOf('payment', 'authorize', `order:${id}:payment.authorize`))).toBe(0);
  });

  it('should report out-of-stock skus without reserving, and reserve the rest once', async () => {
    const id = orderId('stock');
    const idempotencyKey = `order:${id}:inventory.reserve`;
    keyOf('inventory', 'reserve', idempotencyKey);
    keyOf('inventory', 'reservations-count', id);
    keyOf('inventory', 'faults', id);
    await expect(sandboxInventory.reserve({ orderId: id, items: [{ sku: 'oos-1', qty: 1 }], idempotencyKey })).resolves.toEqual({ status: 'unavailable', skus: ['oos-1'] });
    expect(await actionCount('inventory', 'reservations', id)).toBe(0);
    const reserved = await sandboxInventory.reserve({ orderId: id, items: [{ sku: 'book', qty: 1 }], idempotencyKey });
    expect(reserved).toEqual({ status: 'reserved', reservationId: expect.stringMatching(/^res_/) as string });
    await expect(sandboxInventory.reserve({ orderId: id, items: [{ sku: 'book', qty: 1 }], idempotencyKey })).resolves.toEqual(reserved);
    expect(await actionCount('inventory', 'reservations', id)).toBe(1);
    // The record and the count are kept as long as a provider keeps its keys (7 days).
    expect(await sandboxRedis().ttl(keyOf('inventory', 'reservations-count', id))).toBeGreaterThan(6 * 86_400);
  });
});
