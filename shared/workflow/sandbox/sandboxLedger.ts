import { functionConfig } from '../../config/functionConfig';
import { Redis } from 'ioredis';
import { redisKeys, redisNamespace } from '../../state/redisKeys';
import { TransientProviderError } from '../providers/providers';
import { closeOnShutdown } from '../../clients/sharedClients';
import { luaScript } from '../../state/luaScript';

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
    // Auto-pipelined: a step calls its provider for every command of its batch at once, and one write
    // per call each (a syscall and a Redis read each) was a fifth of a step worker's CPU profile.
    client = new Redis(functionConfig().REDIS_SANDBOX_URL ?? functionConfig().REDIS_URL, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
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
 * One provider call in one script: the order's injected faults first (a call that fails does nothing
 * else), then, for a call that acts, the first answer recorded under its idempotency key (SET NX: a
 * repeated key gets the stored answer back and the action is not counted again) and the count of what
 * the provider really did per order (charges, refunds...), which the tests check.
 * KEYS[1]: the order's faults; KEYS[2], KEYS[3] (a call that acts): the idempotency key's record, the count.
 * ARGV[1]: the answer; ARGV[2]: how long a record and a count are kept, in seconds.
 * Returns {'fault', left} | {'checked', ''} | {'first', answer} | {'again', stored answer}.
 */
const PROVIDER_CALL_LUA = `
local left = redis.call('GET', KEYS[1])
if left and left ~= '0' then
  if left ~= '-1' then redis.call('DECR', KEYS[1]) end
  return {'fault', left}
end
if #KEYS == 1 then return {'checked', ''} end
if redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2], 'NX') then
  redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], ARGV[2])
  return {'first', ARGV[1]}
end
return {'again', redis.call('GET', KEYS[2]) or ARGV[1]}
`;
const providerCallScript = luaScript(PROVIDER_CALL_LUA);

/** What a call that acts records: its idempotency key, its answer the first time, and the counter of the action per order. */
export interface SandboxAction {
  action: string;
  idempotencyKey: string;
  answer: string;
  /** Counted once per key, under `<counter>-count` per order. */
  counter: string;
}

/**
 * A sandbox provider's call for an order, in one round trip: it fails transiently as the order's
 * injected faults (and the global latency and failure rate) say; else, for a call that acts, it records
 * the first answer for the idempotency key and returns it (the stored answer for a repeated key, so the
 * caller never acts twice). A call that only decides (a declined card, an item
 * out of stock) passes no action: it is checked for faults and records nothing.
 */
export async function sandboxCall(service: SandboxService, orderId: string, act: SandboxAction): Promise<string>;
export async function sandboxCall(service: SandboxService, orderId: string): Promise<undefined>;
export async function sandboxCall(service: SandboxService, orderId: string, act?: SandboxAction): Promise<string | undefined> {
  const config = functionConfig();
  const latency = config.TRIPLANE_SANDBOX_LATENCY_MS;
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
  const rate = config.TRIPLANE_SANDBOX_FAILURE_RATE;
  if (rate > 0 && Math.random() < rate) throw new TransientProviderError(`${service} sandbox: injected random failure`);
  const keys = redisKeys(redisNamespace(config));
  const scriptKeys = [keys.sandbox(service, 'faults', orderId)];
  if (act !== undefined) scriptKeys.push(keys.sandbox(service, act.action, act.idempotencyKey), keys.sandbox(service, `${act.counter}-count`, orderId));
  const [kind, value] = (await providerCallScript(sandboxRedis(), scriptKeys, [act?.answer ?? '', String(KEY_TTL_SECONDS)])) as [string, string];
  if (kind === 'fault') throw new TransientProviderError(`${service} sandbox: injected failure (${value === '-1' ? 'always' : `${value} left`})`);
  return act === undefined ? undefined : value;
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
