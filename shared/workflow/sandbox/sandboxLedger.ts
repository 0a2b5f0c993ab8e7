import { functionConfig } from '../../config/functionConfig';
import { Redis } from 'ioredis';
import { redisKeys, redisNamespace } from '../../state/redisKeys';
import { TransientProviderError } from '../providers/providers';
import { closeOnShutdown } from '../../clients/sharedClients';

/**
 * The sandbox providers' own books, standing in for a real provider's database: the outside world's
 * record, not a projection. They live in the project's Redis namespace under their own family
 * (`<ns>:sandbox:...`), so the test profile's books (`tptest`) never mix with what `npm start` serves
 * and every checkout sharing one Redis keeps its own. Their own connection (REDIS_SANDBOX_URL, else
 * REDIS_URL), not a function's user: a provider is not one of triplane's functions.
 */
let client: Redis | undefined;

export function sandboxRedis(): Redis {
  if (client === undefined) {
    client = new Redis(functionConfig().REDIS_SANDBOX_URL ?? functionConfig().REDIS_URL, { maxRetriesPerRequest: 2 });
    closeOnShutdown(closeSandboxRedis);
  }
  return client;
}

const ledgerKey = (...parts: string[]): string => redisKeys(redisNamespace()).sandbox(...parts);

export async function closeSandboxRedis(): Promise<void> {
  const current = client;
  client = undefined;
  await current?.quit().catch(() => current.disconnect());
}

/** A provider keeps idempotency keys this long, as card processors do (Stripe: 24 hours; more is safer here). */
const KEY_TTL_SECONDS = 7 * 86_400;

export type SandboxService = 'payment' | 'inventory' | 'shipping';

/**
 * Records the first answer for an idempotency key and returns it; a repeated key returns the stored
 * answer and `first: false`, so the caller never acts twice. SET NX makes the check-and-record one step.
 */
export async function recordOnce(service: SandboxService, action: string, idempotencyKey: string, answer: string): Promise<{ answer: string; first: boolean }> {
  const key = ledgerKey(service, action, idempotencyKey);
  const set = await sandboxRedis().set(key, answer, 'EX', KEY_TTL_SECONDS, 'NX');
  if (set === 'OK') return { answer, first: true };
  return { answer: (await sandboxRedis().get(key)) ?? answer, first: false };
}

/** Counts what a provider really did per order (charges, refunds...), which the tests check; kept as long as the keys. */
export async function countAction(service: SandboxService, action: string, orderId: string): Promise<void> {
  const key = ledgerKey(service, `${action}-count`, orderId);
  await sandboxRedis().multi().incr(key).expire(key, KEY_TTL_SECONDS).exec();
}

export async function actionCount(service: SandboxService, action: string, orderId: string): Promise<number> {
  return Number((await sandboxRedis().get(ledgerKey(service, `${action}-count`, orderId))) ?? 0);
}

/**
 * Fault injection. Per order: the next `failures` calls to a service fail transiently (-1: every call),
 * so a test can make one order's step fail twice then succeed. Globally: TRIPLANE_SANDBOX_LATENCY_MS adds
 * latency to every call and TRIPLANE_SANDBOX_FAILURE_RATE (0..1) fails that share of calls.
 */
export async function injectFailures(service: SandboxService, orderId: string, failures: number): Promise<void> {
  await sandboxRedis().set(ledgerKey(service, 'faults', orderId), String(failures), 'EX', 3_600);
}

/** How many of the injected failures of an order are still to come (0 when none). */
export async function failuresLeft(service: SandboxService, orderId: string): Promise<number> {
  return Number((await sandboxRedis().get(ledgerKey(service, 'faults', orderId))) ?? 0);
}

export async function maybeFail(service: SandboxService, orderId: string): Promise<void> {
  const latency = functionConfig().TRIPLANE_SANDBOX_LATENCY_MS;
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
  const rate = functionConfig().TRIPLANE_SANDBOX_FAILURE_RATE;
  if (rate > 0 && Math.random() < rate) throw new TransientProviderError(`${service} sandbox: injected random failure`);
  const key = ledgerKey(service, 'faults', orderId);
  const left = await sandboxRedis().get(key);
  if (left === null || left === '0') return;
  if (left !== '-1') await sandboxRedis().decr(key);
  throw new TransientProviderError(`${service} sandbox: injected failure (${left === '-1' ? 'always' : `${left} left`})`);
}
