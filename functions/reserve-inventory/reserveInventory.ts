import type { InventoryService } from '../../shared/workflow/providers/providers';
import { providerIdempotencyKey } from '../../shared/workflow/providers/providerIdempotencyKey';
import type { RunStep } from '../../shared/workflow/workflowStepHandler';

/** Reserves every item of the order, or reports the skus that are out of stock. */
export const reserveInventory =
  (inventory: InventoryService): RunStep =>
  async (command) => {
    const answer = await inventory.reserve({ orderId: command.data.orderId, items: command.data.items, idempotencyKey: providerIdempotencyKey(command) });
    return answer.status === 'reserved' ? { kind: 'reserved', reservationId: answer.reservationId } : { kind: 'unavailable', skus: answer.skus };
  };
