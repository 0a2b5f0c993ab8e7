import type { Channel } from 'amqplib';
import { PARKING_LOT_EXCHANGE, WORKFLOW_EXCHANGE, workflowQueues } from '../routes/workflow';

/**
 * Declares the workflow topology. Idempotent: declaring what exists with the same arguments is a no-op,
 * so it runs at every local start and on every deploy.
 */
export async function declareWorkflowTopology(channel: Channel): Promise<{ exchanges: number; queues: number }> {
  await channel.assertExchange(WORKFLOW_EXCHANGE, 'direct', { durable: true });
  await channel.assertExchange(PARKING_LOT_EXCHANGE, 'direct', { durable: true });
  const queues = workflowQueues();
  for (const declaration of queues) {
    await channel.assertQueue(declaration.queue, { durable: true, arguments: declaration.arguments });
    if (declaration.bindTo) await channel.bindQueue(declaration.queue, declaration.bindTo.exchange, declaration.bindTo.routingKey);
  }
  return { exchanges: 2, queues: queues.length };
}
