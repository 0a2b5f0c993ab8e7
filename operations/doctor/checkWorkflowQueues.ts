import type { QueueDeclaration } from '../../shared/routes/workflow';
import type { BrokerQueue } from './brokerQueue';
import { fail, listSome, pass, type CheckResult } from './checkResult';

export const WORKFLOW_QUEUES_CHECK = 'workflow queues durable + dlx';

export interface WorkflowQueuesInput {
  vhost: string;
  /** What shared/routes/workflow.ts declares (workflowQueues()). */
  expected: readonly QueueDeclaration[];
  /** What the broker has in the vhost. */
  observed: readonly BrokerQueue[];
  /** The parking lots: the end of the line, so the only queues that need no dead-letter route. */
  parkingLots: readonly string[];
}

/**
 * The workflow plane's promise is that no message is lost: every queue must survive a broker restart
 * (durable), a main or retry queue must dead-letter somewhere (to its parking lot, or back to its step
 * after the delay), and the parking lots must exist, or messages past their delivery limit vanish.
 */
export function checkWorkflowQueues(input: WorkflowQueuesInput): CheckResult {
  const problems: string[] = [];
  for (const declaration of input.expected) {
    const queue = input.observed.find((q) => q.name === declaration.queue);
    const isParkingLot = input.parkingLots.includes(declaration.queue);
    if (queue === undefined) {
      problems.push(`${declaration.queue} missing${isParkingLot ? ' (parking lot: parked messages would be dropped)' : ''}`);
      continue;
    }
    if (!queue.durable) problems.push(`${queue.name} not durable`);
    if (isParkingLot) continue;
    const dlx = queue.arguments['x-dead-letter-exchange'];
    const wanted = declaration.arguments['x-dead-letter-exchange'];
    if (typeof dlx !== 'string' || dlx === '') problems.push(`${queue.name} has no x-dead-letter-exchange`);
    else if (wanted !== undefined && dlx !== wanted) problems.push(`${queue.name} dead-letters to ${dlx}, not ${String(wanted)}`);
  }
  if (problems.length === 0) return pass(WORKFLOW_QUEUES_CHECK, `${input.expected.length} queues in vhost ${input.vhost}: durable, main and retry queues dead-lettered, parking lots present`);
  return fail(
    WORKFLOW_QUEUES_CHECK,
    `vhost ${input.vhost}: ${listSome(problems)}`,
    'queues keep the arguments they were declared with: delete the wrong ones (rabbitmqctl delete_queue -p VHOST NAME, after draining), then npm run services (locally) or redeploy (the topology custom resource) to declare them from shared/routes/workflow.ts',
  );
}
