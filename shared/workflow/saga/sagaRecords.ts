import { functionConfig } from '../../config/functionConfig';
import { redisClient } from '../../clients/redisClient';
import type { Envelope } from '../../envelope/envelope';
import { downstream } from '../../resilience/downstream';
import { luaScript } from '../../state/luaScript';
import { projectionKeys } from '../../state/projectionKeys';
import { redisKeys, redisNamespace, type RedisKeys } from '../../state/redisKeys';
import { orderDigest } from './orderDigest';
import { ADVANCE_SAGAS_LUA, BEGIN_SAGAS_LUA, CLAIM_STEPS_LUA, RECORD_PROGRESS_LUA } from './sagaScripts';
import type { SagaProgress } from './sagaProgress';

/**
 * A saga record outlives its order's activity by far (retries take seconds, a parked command may be
 * moved back days later) and must have a TTL (rule 2). It is also rebuilt from Kafka: project-orders
 * records what each orders-topic event says about its saga (recordSagaProgress), so a replay of the
 * topic after Redis lost its keys writes the records back. While a record is missing, a step sends its
 * command round its retry queues (the replay may be rebuilding it) and parks it past the last retry;
 * when the record expired or was evicted but the order view remembers the order, the starter refuses
 * to begin again: parking a valid command is acceptable, running a step twice is not, and the
 * providers' idempotency keys (per order and step) hold even then.
 */
const sagaTtlSeconds = (): number => functionConfig().TRIPLANE_SAGA_TTL_SECONDS;

export type BeginVerdict = { kind: 'start' } | { kind: 'duplicate' | 'conflict' | 'known'; placedId: string };

const beginScript = luaScript(BEGIN_SAGAS_LUA);
const claimScript = luaScript(CLAIM_STEPS_LUA);
const advanceScript = luaScript(ADVANCE_SAGAS_LUA);
const progressScript = luaScript(RECORD_PROGRESS_LUA);

const orderIdOf = (envelope: Envelope<Record<string, unknown>>): string => String(envelope.data.orderId);

/** One script call for the whole batch: each order.placed with the first command its saga would issue. */
export async function beginSagas(starts: Array<{ placed: Envelope<Record<string, unknown>>; first: Envelope }>): Promise<BeginVerdict[]> {
  if (starts.length === 0) return [];
  const namespace = redisNamespace();
  const keys = redisKeys(namespace);
  const view = await projectionKeys(redisClient(), namespace, 'orders');
  const redisKeyList = starts.map(({ placed }) => keys.saga(orderIdOf(placed)));
  const args = [String(sagaTtlSeconds()), ...starts.flatMap(({ placed, first }) => [view.order(orderIdOf(placed)), placed.id, orderDigest(placed.data), first.type, first.id])];
  const replies = (await downstream('redis').call(() => beginScript(redisClient(), redisKeyList, args))) as string[];
  if (replies.length !== starts.length) throw new Error(`the begin script answered ${replies.length} of ${starts.length} orders`);
  return replies.map((reply) => {
    const cut = reply.indexOf(':');
    if (cut < 0) return { kind: 'start' };
    return { kind: reply.slice(0, cut) as 'duplicate' | 'conflict' | 'known', placedId: reply.slice(cut + 1) };
  });
}

export type StepClaim = { kind: 'claimed' } | { kind: 'missing' | 'refused'; reason: string };

const MISSING_RECORD = 'no saga record: the order was never placed, or Redis lost its record and a replay of the orders topic has not rebuilt it yet';

/** Per command whether it may run its step. One script call for the batch. */
export async function claimSteps(commands: Array<Envelope<Record<string, unknown>>>): Promise<StepClaim[]> {
  if (commands.length === 0) return [];
  const keys = redisKeys(redisNamespace());
  const replies = (await downstream('redis').call(() =>
    claimScript(
      redisClient(),
      commands.map((command) => keys.saga(orderIdOf(command))),
      commands.flatMap((command) => [command.type, command.id, orderDigest(command.data)]),
    ),
  )) as string[];
  if (replies.length !== commands.length) throw new Error(`the claim script answered ${replies.length} of ${commands.length} commands`);
  return replies.map((reply): StepClaim => (reply === 'ok' ? { kind: 'claimed' } : reply === 'missing' ? { kind: 'missing', reason: MISSING_RECORD } : { kind: 'refused', reason: reply }));
}

/** Moves each saga past the step its command carried out; `next` is the command it issues, if any. */
export async function advanceSagas(steps: Array<{ command: Envelope<Record<string, unknown>>; next: Envelope | undefined }>): Promise<void> {
  if (steps.length === 0) return;
  const keys = redisKeys(redisNamespace());
  await downstream('redis').call(() =>
    advanceScript(
      redisClient(),
      steps.map(({ command }) => keys.saga(orderIdOf(command))),
      [String(sagaTtlSeconds()), ...steps.flatMap(({ command, next }) => [command.type, command.id, next?.type ?? 'done', next?.id ?? ''])],
    ),
  );
}

/**
 * Writes what the orders topic says about each saga (sagaProgress), in topic order, in one script
 * call. `view` holds the keys of the order view generation being written (a replay's new one).
 * Returns per entry undefined (recorded, or nothing to record) or why the record disagrees.
 */
export async function recordSagaProgress(progress: SagaProgress[], view: RedisKeys): Promise<Array<string | undefined>> {
  if (progress.length === 0) return [];
  const keys = redisKeys(redisNamespace());
  const args = progress.flatMap((p) => (p.kind === 'placed' ? ['placed', p.placedId, p.digest, p.expect, p.expectId, view.order(p.orderId)] : ['step', p.took, p.commandId, p.expect, p.expectId, '']));
  const replies = (await downstream('redis').call(() =>
    progressScript(
      redisClient(),
      progress.map((p) => keys.saga(p.orderId)),
      [String(sagaTtlSeconds()), ...args],
    ),
  )) as string[];
  if (replies.length !== progress.length) throw new Error(`the progress script answered ${replies.length} of ${progress.length} events`);
  return replies.map((reply) => (reply === '0' || reply === '1' ? undefined : reply));
}
