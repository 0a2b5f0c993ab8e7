import * as z from 'zod';
import { SAFE_ID_PATTERN } from './eventId';
import type { TopicName } from '../routes/topics';

const safeId = z.string().regex(SAFE_ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 . _ @ -');
const count = z.number().int().min(1).max(1_000);
/** Money is an integer in minor units: floats cannot add up cents exactly. */
const minorUnits = z.number().int().min(1).max(1_000_000_000_00);
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

/** One data schema per version, and how each older version becomes the next one. */
export interface EventTypeSpec {
  /** The topic events of this type go to; null for workflow commands, which travel on RabbitMQ only. */
  topic: TopicName | null;
  /** Data field whose value is the partition key: per-key order is what projections rely on. */
  keyField: string;
  schemas: Readonly<Record<number, z.ZodType<Record<string, unknown>>>>;
  /** upcasters[n] turns version n data into version n+1 data. */
  upcasters: Readonly<Record<number, (data: Record<string, unknown>) => Record<string, unknown>>>;
  currentVersion: number;
  /** Workflow outcomes are only ever published by the workflow: accepting them over HTTP would let a caller fake a payment. */
  acceptedOverHttp: boolean;
}

const spec = (topic: TopicName | null, keyField: string, v1: z.ZodType<Record<string, unknown>>, acceptedOverHttp = true): EventTypeSpec => ({
  topic,
  keyField,
  schemas: { 1: v1 },
  upcasters: {},
  currentVersion: 1,
  acceptedOverHttp,
});

const outcome = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ orderId: safeId, ...shape });

export const sessionStartedV1 = z.strictObject({ sessionId: safeId, userId: safeId, ttlSeconds: z.number().int().min(1).max(604_800).optional() });
export const sessionRefV1 = z.strictObject({ sessionId: safeId });
export const flagSetV1 = z.strictObject({ name: safeId, enabled: z.boolean(), rollout: z.number().int().min(0).max(100).optional() });
// v2 makes the rollout explicit, so a reader never has to guess what "enabled, no rollout" means.
export const flagSetV2 = z.strictObject({ name: safeId, enabled: z.boolean(), rollout: z.number().int().min(0).max(100) });
export const scoreRecordedV1 = z.strictObject({ board: safeId, userId: safeId, points: z.number().int().min(-1_000_000_000).max(1_000_000_000) });
export const pageViewedV1 = z.strictObject({ userId: safeId, path: z.string().min(1).max(2048).startsWith('/', 'must start with /') });
export const orderPlacedV1 = z.strictObject({
  orderId: safeId,
  userId: safeId,
  amount: minorUnits,
  currency,
  paymentToken: safeId,
  items: z
    .array(z.strictObject({ sku: safeId, qty: count }))
    .min(1)
    .max(100),
});

/**
 * What every order workflow command carries: the whole order, plus what earlier steps produced. A step
 * never has to look anything up, so a command is enough to run (or re-run) it.
 */
export const orderCommandV1 = orderPlacedV1.extend({
  authorizationId: safeId.optional(),
  reservationId: safeId.optional(),
  reason: z.string().max(500).optional(),
});

export type SessionStarted = z.infer<typeof sessionStartedV1>;
export type SessionRef = z.infer<typeof sessionRefV1>;
export type FlagSet = z.infer<typeof flagSetV2>;
export type ScoreRecorded = z.infer<typeof scoreRecordedV1>;
export type PageViewed = z.infer<typeof pageViewedV1>;
export type OrderPlaced = z.infer<typeof orderPlacedV1>;
export type OrderCommand = z.infer<typeof orderCommandV1>;

/** Every event type the system knows, by name. Adding a version means a schema and an upcaster here. */
export const EVENT_CATALOG: Readonly<Record<string, EventTypeSpec>> = {
  'session.started': spec('sessions', 'sessionId', sessionStartedV1),
  'session.touched': spec('sessions', 'sessionId', sessionRefV1),
  'session.ended': spec('sessions', 'sessionId', sessionRefV1),
  'flag.set': {
    topic: 'flags',
    keyField: 'name',
    schemas: { 1: flagSetV1, 2: flagSetV2 },
    upcasters: {
      1: (data) => ({ ...data, rollout: data.rollout ?? (data.enabled === true ? 100 : 0) }),
    },
    currentVersion: 2,
    acceptedOverHttp: true,
  },
  // Keyed by user, not board: one popular board keyed by name would pin all its traffic to one partition.
  'score.recorded': spec('scores', 'userId', scoreRecordedV1),
  'page.viewed': spec('activity', 'userId', pageViewedV1),
  'order.placed': spec('orders', 'orderId', orderPlacedV1),
  'payment.authorized': spec('orders', 'orderId', outcome({ authorizationId: safeId, amount: minorUnits, currency }), false),
  'payment.declined': spec('orders', 'orderId', outcome({ reason: z.string().max(500) }), false),
  'inventory.reserved': spec('orders', 'orderId', outcome({ reservationId: safeId }), false),
  'inventory.unavailable': spec('orders', 'orderId', outcome({ skus: z.array(safeId).min(1) }), false),
  'payment.refunded': spec('orders', 'orderId', outcome({ refundId: safeId, amount: minorUnits, currency }), false),
  'shipment.scheduled': spec('orders', 'orderId', outcome({ shipmentId: safeId }), false),
  'order.completed': spec('orders', 'orderId', z.strictObject({ orderId: safeId }), false),
  'order.cancelled': spec('orders', 'orderId', outcome({ reason: z.string().max(500) }), false),
  // Workflow commands (RabbitMQ only).
  'payment.authorize': spec(null, 'orderId', orderCommandV1, false),
  'inventory.reserve': spec(null, 'orderId', orderCommandV1, false),
  'shipment.schedule': spec(null, 'orderId', orderCommandV1, false),
  'payment.refund': spec(null, 'orderId', orderCommandV1, false),
};

export type EventType = keyof typeof EVENT_CATALOG;

export function specOf(type: string): EventTypeSpec | undefined {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOG, type) ? EVENT_CATALOG[type] : undefined;
}
