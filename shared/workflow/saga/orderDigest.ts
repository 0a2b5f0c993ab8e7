import { stableJson } from '../../envelope/contentDigest';
import { orderPlacedV1 } from '../../envelope/eventCatalog';
import { hash } from 'node:crypto';

const PLACEMENT_FIELDS = Object.keys(orderPlacedV1.shape);

/**
 * The digest of what an order is (its order.placed data: user, amount, currency, payment token,
 * items), read from an order.placed or from any command of its saga (which carries the whole order
 * plus what earlier steps produced; those extras are left out). Two placements of one order id with
 * the same digest are the same order; a command whose digest differs from its saga's is not of it.
 */
export function orderDigest(data: Record<string, unknown>): string {
  const placement: Record<string, unknown> = {};
  for (const field of PLACEMENT_FIELDS) if (Object.prototype.hasOwnProperty.call(data, field)) placement[field] = data[field];
  return hash('sha256', stableJson(placement), 'base64url').slice(0, 22);
}
