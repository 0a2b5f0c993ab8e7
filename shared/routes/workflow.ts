/**
 * The workflow plane's RabbitMQ topology, in one place (which function carries out a step is in its
 * function.ts; its batch size is in serverless.yml): the local setup declares it, the deploy-time
 * custom resource declares it on Amazon MQ, and the checks read it.
 *
 * Each step has a quorum queue (replicated, durable) that receives its commands from the workflow
 * exchange. A step that fails transiently republishes the message to its next delay queue, which holds
 * it for the delay (message TTL) and dead-letters it back to the step's queue: exponential backoff with
 * nothing but the broker. A message that keeps crashing its function passes the queue's delivery limit
 * and is dead-lettered to the step's parking lot, where it stays with its reason and attempt count.
 */
export const WORKFLOW_EXCHANGE = 'triplane.workflow';
export const PARKING_LOT_EXCHANGE = 'triplane.workflow.parking-lot';

export interface WorkflowStepQueue {
  /** Queue name and routing key of the command it carries (`payment.authorize`). */
  queue: string;
  /** The outside service it calls: one circuit breaker per provider. */
  provider: 'payment' | 'inventory' | 'shipping';
  /** Delay before each retry after a transient failure; the length is the number of retries. */
  retryDelaysMs: number[];
  /** Deliveries (crash-redeliveries included) before the broker parks the message. */
  deliveryLimit: number;
}

const step = (queue: string, provider: WorkflowStepQueue['provider']): WorkflowStepQueue => ({
  queue,
  provider,
  retryDelaysMs: [500, 2_000, 8_000],
  deliveryLimit: 5,
});

export const WORKFLOW_STEPS: readonly WorkflowStepQueue[] = [
  step('payment.authorize', 'payment'),
  step('inventory.reserve', 'inventory'),
  step('shipment.schedule', 'shipping'),
  // The compensation: undoing a payment when the order cannot be fulfilled.
  step('payment.refund', 'payment'),
];

export const retryQueueOf = (queue: string, attempt: number): string => `${queue}.retry.${attempt}`;
export const parkingLotOf = (queue: string): string => `${queue}.parking-lot`;

export function stepOf(queue: string): WorkflowStepQueue {
  const found = WORKFLOW_STEPS.find((s) => s.queue === queue);
  if (found === undefined) throw new Error(`no workflow step for queue ${queue}`);
  return found;
}

export interface QueueDeclaration {
  queue: string;
  arguments: Record<string, string | number>;
  bindTo?: { exchange: string; routingKey: string };
}

/**
 * The queues to declare, derived from WORKFLOW_STEPS. Dead-lettering is at-least-once (RabbitMQ 3.10+,
 * needs reject-publish overflow): the default at-most-once strategy may drop a message on its way to
 * the parking lot, which a payment workflow cannot afford.
 */
export function workflowQueues(): QueueDeclaration[] {
  const quorum = { 'x-queue-type': 'quorum', 'x-overflow': 'reject-publish', 'x-dead-letter-strategy': 'at-least-once' };
  return WORKFLOW_STEPS.flatMap((s) => [
    {
      queue: s.queue,
      arguments: {
        ...quorum,
        'x-delivery-limit': s.deliveryLimit,
        'x-dead-letter-exchange': PARKING_LOT_EXCHANGE,
        'x-dead-letter-routing-key': parkingLotOf(s.queue),
      },
      bindTo: { exchange: WORKFLOW_EXCHANGE, routingKey: s.queue },
    },
    ...s.retryDelaysMs.map((delay, i) => ({
      queue: retryQueueOf(s.queue, i + 1),
      arguments: { ...quorum, 'x-message-ttl': delay, 'x-dead-letter-exchange': WORKFLOW_EXCHANGE, 'x-dead-letter-routing-key': s.queue },
    })),
    {
      queue: parkingLotOf(s.queue),
      arguments: { 'x-queue-type': 'quorum' },
      bindTo: { exchange: PARKING_LOT_EXCHANGE, routingKey: parkingLotOf(s.queue) },
    },
  ]);
}
