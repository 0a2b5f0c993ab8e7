import type { Envelope } from '../envelope/envelope';
import { toAmqpMessage } from '../envelope/toAmqpMessage';
import type { OutgoingAmqpMessage } from '../publishing/publishToRabbitMq';
import { retryQueueOf } from '../routes/workflow';
import type { StepClaim } from './saga/sagaRecords';

/**
 * Where a command of a workflow step goes before its provider is called: run, wait for its saga record
 * (retried like a failed step: a replay may be rebuilding it), or parked with the reason.
 */
export type CommandAdmission = { kind: 'run' } | { kind: 'await-saga'; reason: string } | { kind: 'park'; reason: string };

/** A step carries out its own command type only: anything else is parked, never sent to a provider. */
export function wrongCommandReason(queue: string, type: string): string | undefined {
  return type === queue ? undefined : `the ${queue} step carries out ${queue} commands only, not ${type}`;
}

/** What the saga's claim of a command (claimSteps) lets the step do with it. */
export function admitClaimed(orderId: string, claim: StepClaim | undefined): CommandAdmission {
  if (claim === undefined || claim.kind === 'refused') return { kind: 'park', reason: `refused by the saga of order ${orderId}: ${claim?.reason ?? 'no claim'}` };
  if (claim.kind === 'missing') return { kind: 'await-saga', reason: claim.reason };
  return { kind: 'run' };
}

/** What becomes of a command whose step failed: parked with the reason, or sent to a delay queue. */
export type FailedStepRoute = { kind: 'park'; reason: string } | { kind: 'retry'; attempt: number; delayQueue: number };

export interface StepFailure {
  /** The delivery attempt that failed (the `attempt` header, 1 for the first). */
  attempt: number;
  /** How many delay queues the step has (its retryDelaysMs): the last attempt is retries + 1. */
  retries: number;
  /** The provider was not called (breaker open, bulkhead full): an outage, which uses up no attempt. */
  refused: boolean;
  reason: string;
  /** Asks the function's retry budget for one more retry; only asked when a retry is due. */
  tryRetry: () => boolean;
}

/**
 * Backoff by delay queues: attempt n goes to delay queue n with the attempt raised, until the last;
 * past it, the command is parked. A refused call keeps its attempt and waits in the longest delay, so
 * nothing is parked for an outage; past the retry budget a retry also takes the longest delay.
 */
export function routeFailedStep(failure: StepFailure): FailedStepRoute {
  const { attempt, retries, refused, reason } = failure;
  if (!refused && attempt > retries) return { kind: 'park', reason: `failed after ${attempt} attempts: ${reason}` };
  return { kind: 'retry', attempt: refused ? attempt : attempt + 1, delayQueue: refused || !failure.tryRetry() ? retries : attempt };
}

/** The retry of a command: straight to its delay queue (default exchange), with the attempt and the last error. */
export function retryMessage(queue: string, command: Envelope, route: Extract<FailedStepRoute, { kind: 'retry' }>, reason: string): OutgoingAmqpMessage {
  const { content, options } = toAmqpMessage(command, route.attempt);
  return {
    exchange: '',
    routingKey: retryQueueOf(queue, route.delayQueue),
    content,
    options: { ...options, headers: { ...(options.headers as Record<string, unknown> | undefined), 'x-last-error': reason.slice(0, 500) } },
  };
}
