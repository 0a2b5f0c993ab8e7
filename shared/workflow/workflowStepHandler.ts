import type { Envelope } from '../envelope/envelope';
import type { OrderCommand } from '../envelope/eventCatalog';
import { toAmqpMessage } from '../envelope/toAmqpMessage';
import { rabbitMqBatchHandler } from '../middleware/batch/rabbitMqBatchHandler';
import type { AcceptedRecord } from '../middleware/batch/RecordBatch';
import { publishToKafka } from '../publishing/publishToKafka';
import { publishConfirmed, type OutgoingAmqpMessage } from '../publishing/publishToRabbitMq';
import type { FunctionFacts } from '../routes/functionFacts';
import { stepOf, WORKFLOW_EXCHANGE } from '../routes/workflow';
import { attemptOf, decodeRabbitMqHeaders } from '../triggers/rabbitmq/decodeRabbitMqHeaders';
import type { RabbitMqSource } from '../triggers/rabbitmq/RabbitMqTriggerEvent';
import { downstream, isRefused } from '../resilience/downstream';
import { retryBudget } from '../resilience/RetryBudget';
import { nextAfter, type StepOutcome, type StepResult } from './orderSaga';
import { advanceSagas, claimSteps } from './saga/sagaRecords';
import { admitClaimed, retryMessage, routeFailedStep, wrongCommandReason } from './stepRouting';

export type RunStep = (command: Envelope<OrderCommand>) => Promise<StepResult>;

/**
 * The handler of a workflow step: runs the step for every command of the batch (concurrently: commands
 * of one batch belong to different orders), then publishes every outcome event to Kafka (acks=all) and
 * every next command to RabbitMQ (confirmed), before the batch is acknowledged.
 *
 * A step carries out only its own command type, only for an order whose saga record exists (the
 * starter writes it before it publishes the first command; a command whose record is missing goes
 * round the retry queues, then to the parking lot), only the command the saga issued, and
 * only once the step before it happened: the record is claimed for the whole batch in one script
 * before any provider is called, and anything refused is parked with its reason, never sent to a
 * provider. After the provider answered, the saga moves on (one more script) before the outcome is
 * published, so a crash in between replays the same command, which its own claim lets through.
 *
 * A step that throws goes to its next retry queue with the attempt count raised (backoff by delay
 * queues); past its last retry it is parked with the reason. While the provider's breaker is open the
 * provider is not called at all: the command waits in the longest delay queue without using up an
 * attempt, so nothing is parked for an outage. Past the function's retry budget, retries also take the
 * longest delay instead of the next one. A failure to publish fails the whole
 * invocation instead: the broker redelivers the batch, and since providers are idempotent per command id
 * and follow-ups have deterministic ids, running it again changes nothing twice.
 */
export function workflowStepHandler(facts: Pick<FunctionFacts, 'name' | 'step'>, runStep: RunStep) {
  const consumer = facts.name;
  const queue = facts.step;
  if (queue === undefined) throw new Error(`${consumer} declares no step in its function.ts`);
  const step = stepOf(queue);
  const source = `triplane/${consumer}`;
  const budget = retryBudget();
  return rabbitMqBatchHandler(consumer, async (batch) => {
    // Inside the invocation: the guard is this function's own (shared/resilience/downstream).
    const provider = downstream(step.provider);
    const outcomes: StepOutcome[] = [];
    const done: Array<{ command: Envelope<Record<string, unknown>>; next: Envelope | undefined }> = [];
    const retries: OutgoingAmqpMessage[] = [];
    for (const record of [...batch.accepted]) {
      const wrong = wrongCommandReason(queue, record.envelope.type);
      if (wrong !== undefined) batch.rejectAccepted(record, wrong);
    }
    const claimed = [...batch.accepted];
    const claims = await claimSteps(claimed.map((record) => record.envelope));
    const missing = new Map<AcceptedRecord<RabbitMqSource>, string>();
    claimed.forEach((record, i) => {
      const admission = admitClaimed(String(record.envelope.data.orderId), claims[i]);
      if (admission.kind === 'park') batch.rejectAccepted(record, admission.reason);
      else if (admission.kind === 'await-saga') missing.set(record, admission.reason);
    });
    await Promise.all(
      [...batch.accepted].map(async (record: AcceptedRecord<RabbitMqSource>) => {
        const command = record.envelope as Envelope<OrderCommand>;
        budget.recordRequest();
        try {
          const absent = missing.get(record);
          // Retried like a failed step (the record may be on its way back), never sent to the provider.
          if (absent !== undefined) throw new Error(`saga of order ${command.data.orderId}: ${absent}`);
          const outcome = nextAfter(command, await provider.call(() => runStep(command)), source);
          outcomes.push(outcome);
          done.push({ command: record.envelope, next: outcome.commands[0] });
        } catch (error) {
          const reason = (error as Error).message;
          // Decoded only for a failed step: decoding every message's headers was ~1% of a step thread's CPU profile.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a message not sent by AWS may lack basicProperties
          const attempt = attemptOf(decodeRabbitMqHeaders(record.source.message.basicProperties?.headers));
          const route = routeFailedStep({ attempt, retries: step.retryDelaysMs.length, refused: isRefused(error), reason, tryRetry: () => budget.tryRetry() });
          if (route.kind === 'park') {
            batch.rejectAccepted(record, route.reason);
            return;
          }
          retries.push(retryMessage(queue, command, route, reason));
          batch.defer(record);
        }
      }),
    );
    await advanceSagas(done);
    await publishToKafka(outcomes.flatMap((o) => o.events));
    await publishConfirmed([...outcomes.flatMap((o) => o.commands).map((next) => ({ exchange: WORKFLOW_EXCHANGE, routingKey: next.type, ...toAmqpMessage(next) })), ...retries]);
  });
}
