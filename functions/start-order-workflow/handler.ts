import { toAmqpMessage } from '../../shared/envelope/toAmqpMessage';
import { kafkaBatchHandler } from '../../shared/middleware/batch/kafkaBatchHandler';
import { publishConfirmed } from '../../shared/publishing/publishToRabbitMq';
import { WORKFLOW_EXCHANGE } from '../../shared/routes/workflow';
import { startOrder } from '../../shared/workflow/orderSaga';

/**
 * Starts the order saga for every order.placed of the batch (the orders topic carries the outcomes too;
 * they are not this function's business). The batch succeeds, and Kafka offsets move, only once the
 * broker confirmed every first command.
 */
export const handler = kafkaBatchHandler('start-order-workflow', async (batch) => {
  const commands = batch.accepted.filter((r) => r.envelope.type === 'order.placed').map((r) => startOrder(r.envelope, 'triplane/start-order-workflow'));
  await publishConfirmed(commands.map((command) => ({ exchange: WORKFLOW_EXCHANGE, routingKey: command.type, ...toAmqpMessage(command) })));
});
