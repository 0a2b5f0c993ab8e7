import type { Envelope } from '../../envelope/envelope';

/**
 * The idempotency key a provider gets for a step: the order and the step, never the command id. A
 * command id is derived from the event that placed the order, so a second placement (a client's retry
 * without an id) would bring new ids and, keyed by them, a second charge; keyed by order and step, a
 * provider answers any second attempt with its first answer, even if a second saga slipped through
 * (its record evicted). `:` cannot occur in an order id (SAFE_ID_PATTERN), so no two keys collide.
 */
export const providerIdempotencyKey = (command: Pick<Envelope<{ orderId: string }>, 'type' | 'data'>): string => `order:${command.data.orderId}:${command.type}`;
