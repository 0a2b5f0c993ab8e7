import type { PlannedOrder } from '../../testkit/load/eventLoadPlan';
import type { Redis } from 'ioredis';
import { projectionKeys } from '../../shared/state/projectionKeys';
import { FINAL_STATUS } from './soakTraffic';

const FINAL_STEPS = { 'step:order.completed': 'completed', 'step:order.cancelled': 'cancelled' } as const;

/**
 * The accepted orders not yet final, read from the orders projection in one pipeline per check: an
 * order leaves the set once its read model shows order.completed or order.cancelled, and is counted
 * wrong if that is not the end its kind must reach (declined and out-of-stock orders are cancelled,
 * the others completed). The set stays small (orders of the last seconds), whatever the run's length.
 */
export class SoakOrders {
  private readonly pending = new Map<string, PlannedOrder>();
  final = 0;
  wrong: string[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  add(order: PlannedOrder): void {
    this.pending.set(order.orderId, order);
  }

  get waiting(): number {
    return this.pending.size;
  }

  async check(): Promise<void> {
    if (this.pending.size === 0) return;
    const keys = await projectionKeys(this.redis, this.namespace, 'orders');
    const orders = [...this.pending.values()];
    const pipeline = this.redis.pipeline();
    for (const order of orders) pipeline.hmget(keys.order(order.orderId), ...Object.keys(FINAL_STEPS));
    const replies = (await pipeline.exec()) ?? [];
    orders.forEach((order, i) => {
      const [error, fields] = replies[i] ?? [null, undefined];
      if (error !== null || !Array.isArray(fields)) return;
      const [completed, cancelled] = fields as Array<string | null>;
      if (completed === null && cancelled === null) return;
      this.pending.delete(order.orderId);
      this.final++;
      const status = completed !== null && cancelled !== null ? 'completed and cancelled' : completed !== null ? 'completed' : 'cancelled';
      if (status !== FINAL_STATUS[order.kind]) this.wrong.push(`${order.orderId} (${order.kind}): ${status}`);
    });
  }
}
