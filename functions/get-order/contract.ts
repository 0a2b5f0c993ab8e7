import { z } from 'zod';
import { notFoundBody } from '../../shared/http/openApi/errorBodies';
import { defineRouteContract } from '../../shared/http/openApi/routeContract';
import { ORDER_STATUSES } from '../../shared/workflow/orderView';

export const orderBody = z.strictObject({
  orderId: z.string(),
  status: z.enum(ORDER_STATUSES),
  final: z.boolean(),
  steps: z.array(z.strictObject({ type: z.string(), at: z.string(), eventId: z.string(), details: z.record(z.string(), z.unknown()) })).min(1),
});
export type OrderBody = z.infer<typeof orderBody>;

export const contract = defineRouteContract({
  summary: 'An order and its steps',
  description: 'The status of the furthest step, whether it is final, and the steps taken so far in saga order.',
  responses: {
    200: { description: 'The order', body: orderBody },
    404: { description: 'No order.placed for this order id', body: notFoundBody('orderId') },
  },
});
