import { createHash } from 'node:crypto';
import { stableJson } from '../../../../../shared/envelope/contentDigest';
import { orderDigest } from '../../../../../shared/workflow/saga/orderDigest';

const PLACEMENT = { orderId: 'o-1', userId: 'u-1', amount: 2_500, currency: 'EUR', paymentToken: 'tok_visa', items: [{ sku: 'book-1', qty: 1 }] };

describe('orderDigest', () => {
  it('should give the digest saga records already hold: SHA-256 of the placement fields as stable JSON, 22 base64url characters', () => {
    // prepare: the reference the first version computed (records written before an upgrade must still match)
    const reference = createHash('sha256').update(stableJson(PLACEMENT)).digest('base64url').slice(0, 22);

    // act
    const digest = orderDigest(PLACEMENT);

    // assess
    expect(digest).toBe(reference);
  });

  it('should leave out what later steps add to a command', () => {
    // act
    const fromCommand = orderDigest({ ...PLACEMENT, authorizationId: 'auth_1', reservationId: 'res_1' });

    // assess
    expect(fromCommand).toBe(orderDigest(PLACEMENT));
  });
});
