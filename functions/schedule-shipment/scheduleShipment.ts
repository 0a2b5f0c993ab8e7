import type { ShippingService } from '../../shared/workflow/providers/providers';
import { providerIdempotencyKey } from '../../shared/workflow/providers/providerIdempotencyKey';
import type { RunStep } from '../../shared/workflow/workflowStepHandler';

/** Schedules the shipment of a paid, reserved order. */
export const scheduleShipment =
  (shipping: ShippingService): RunStep =>
  async (command) => {
    const { orderId, reservationId } = command.data;
    if (reservationId === undefined) throw new Error(`shipment.schedule for ${orderId} carries no reservationId`);
    const answer = await shipping.schedule({ orderId, reservationId, idempotencyKey: providerIdempotencyKey(command) });
    return { kind: 'scheduled', shipmentId: answer.shipmentId };
  };
