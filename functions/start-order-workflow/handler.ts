import { facts } from './function';
import type { Envelope } from '../../shared/envelope/envelope';
import { toAmqpMessage } from '../../shared/envelope/toAmqpMessage';
import { kafkaBatchHandler } from '../../shared/middleware/batch/kafkaBatchHandler';
import { publishConfirmed } from '../../shared/publishing/publishToRabbitMq';
import { WORKFLOW_EXCHANGE } from '../../shared/routes/workflow';
import { startOrder } from '../../shared/workflow/orderSaga';
import { beginSagas } from '../../shared/workflow/saga/sagaRecords';

/**
 * Starts the order saga for every order.placed of the batch (the orders topic carries the outcomes too;
 * they are not this function's business, and the mapping's filter drops them before they invoke it, so
 * the handler makes no offset check: kafkaBatchHandler's `filtered`). An order is identified by its order id: the saga record is
 * written before the first command is published (so a step never depends on the order projection,
 * which may apply the order.placed later), and a second placement of the same order starts nothing.
 * With the same content it is a duplicate; with other content it is refused and dead-lettered with
 * the reason. The batch succeeds, and Kafka offsets move, only once the broker confirmed every first
 * command.
 */
export const handler = kafkaBatchHandler(
  facts.name,
  async (batch) => {
    // The mapping's filter keeps only these types (serverless.yml filterPatterns); a record of another
    // type that still reaches the handler (a mapping without the filter) is ignored as before.
    const placements = batch.accepted.filter((r) => facts.eventTypes.includes(r.envelope.type));
    const starts = placements.map((record) => ({ record, first: startOrder(record.envelope, 'triplane/start-order-workflow') }));
    const verdicts = await beginSagas(starts.map(({ record, first }) => ({ placed: record.envelope, first })));
    const commands: Envelope[] = [];
    starts.forEach(({ record, first }, i) => {
      const verdict = verdicts[i];
      const orderId = String(record.envelope.data.orderId);
      if (verdict === undefined) throw new Error(`the saga script gave no verdict for order ${orderId}`);
      if (verdict.kind === 'start') commands.push(first);
      else if (verdict.kind === 'duplicate') batch.duplicates++;
      else if (verdict.kind === 'conflict') {
        batch.rejectAccepted(record, `order ${orderId} was already placed by event ${verdict.placedId} with other content: this placement is refused and changes nothing`);
      } else {
        batch.rejectAccepted(record, `order ${orderId} was already placed by event ${verdict.placedId} (its saga record is gone, the order view remembers it): this placement changes nothing`);
      }
    });
    await publishConfirmed(commands.map((command) => ({ exchange: WORKFLOW_EXCHANGE, routingKey: command.type, ...toAmqpMessage(command) })));
  },
  { filtered: facts.eventTypes.length > 0 },
);
